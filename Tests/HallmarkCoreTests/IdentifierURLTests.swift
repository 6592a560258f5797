import HallmarkCore
import Testing

/// The `url` rules: RFC 3986 canonical form of absolute http and https URLs.
@Suite struct IdentifierURLTests {
    func url(_ value: String) throws -> String { try Identifier(kind: .url, value: value).normalized }

    func urlError(_ value: String) throws -> String {
        let error = try #require(throws: HallmarkError.self) { try Identifier(kind: .url, value: value) }
        #expect(error.code == .invalidValue, "\(error)")
        return error.message
    }

    @Test func schemeHostAndPort() throws {
        #expect(try url("HTTPS://Example.COM") == "https://example.com/")
        #expect(try url("https://example.com./a") == "https://example.com/a")
        #expect(try url("http://example.com:80/a") == "http://example.com/a")
        #expect(try url("https://example.com:443/a") == "https://example.com/a")
        #expect(try url("http://example.com:443/a") == "http://example.com:443/a")
        #expect(try url("https://example.com:08443/a") == "https://example.com:8443/a")
        #expect(try url("https://example.com:/a") == "https://example.com/a")
    }

    @Test func userinfoAndFragmentAreDropped() throws {
        #expect(try url("https://user:secret@example.com/x") == "https://example.com/x")
        #expect(try url("https://brand.example@counterfeit.example/") == "https://counterfeit.example/")
        #expect(try url("https://example.com/x#reviews") == "https://example.com/x")
        #expect(try url("https://example.com/x?q=1#a?b") == "https://example.com/x?q=1")
    }

    @Test func dotSegments() throws {
        #expect(try url("https://e.com/a/b/../c/./d") == "https://e.com/a/c/d")
        #expect(try url("https://e.com/a/b/..") == "https://e.com/a/")
        #expect(try url("https://e.com/../../x") == "https://e.com/x")
        #expect(try url("https://e.com/a//b/../") == "https://e.com/a//")
        #expect(try url("https://e.com/%2E%2e/x") == "https://e.com/x")
        #expect(try url("https://e.com/a/...") == "https://e.com/a/...")
        // Segments are removed in place: a kept segment may move back over removed ones.
        #expect(try url("https://e.com/./././abc/./de/../f") == "https://e.com/abc/f")
        #expect(try url("https://e.com/a/b/c/../../../../x/.") == "https://e.com/x/")
        #expect(try url("https://e.com/.a/..b/.../a.") == "https://e.com/.a/..b/.../a.")
        #expect(try url("https://e.com/a/.?q=/../x") == "https://e.com/a/?q=/../x")
    }

    @Test func surroundingWhiteSpaceOfEveryWidthIsTrimmed() throws {
        for space in [
            "\u{20}", "\t", "\n", "\u{85}", "\u{A0}", "\u{1680}", "\u{2007}", "\u{2028}", "\u{205F}", "\u{3000}",
        ] {
            #expect(
                try url("\(space)\(space)https://e.com/a\(space)") == "https://e.com/a",
                "\(space.unicodeScalars.first!)"
            )
        }
        // Trimming walks back over whole code points: a letter before the space is kept (and escaped).
        #expect(try url("https://e.com/a\u{E9}\u{3000}") == "https://e.com/a%C3%A9")
        #expect(try url("https://e.com/\u{4E2D}\u{85}") == "https://e.com/%E4%B8%AD")
        #expect(try url("https://e.com/\u{1F600}\u{A0}") == "https://e.com/%F0%9F%98%80")
    }

    @Test func percentEncoding() throws {
        #expect(try url("https://e.com/%7euser/%41") == "https://e.com/~user/A")
        #expect(try url("https://e.com/a%2fb%3a") == "https://e.com/a%2Fb%3A")
        #expect(try url("https://e.com/a b?q=a b") == "https://e.com/a%20b?q=a%20b")
        #expect(try url("https://e.com/caf\u{00E9}") == "https://e.com/caf%C3%A9")
        #expect(try url("https://e.com/p?q=<x>&r=[1]|{y}\\") == "https://e.com/p?q=%3Cx%3E&r=%5B1%5D%7C%7By%7D%5C")
        #expect(try url("https://e.com/'!$&()*+,;=:@") == "https://e.com/'!$&()*+,;=:@")
        #expect(try url("https://e.com/p?a=%25zz&b=?") == "https://e.com/p?a=%25zz&b=?")
    }

    @Test func queryIsKeptInOrderAndAnEmptyOneDropped() throws {
        #expect(try url("https://e.com/p?b=2&a=1&b=1") == "https://e.com/p?b=2&a=1&b=1")
        #expect(try url("https://e.com/p?") == "https://e.com/p")
        #expect(try url("https://e.com?q") == "https://e.com/?q")
    }

    @Test func ipHosts() throws {
        #expect(try url("http://192.168.0.1:8080/x") == "http://192.168.0.1:8080/x")
        #expect(try url("http://[2001:DB8:0:0:0:0:0:1]/") == "http://[2001:db8::1]/")
        #expect(try url("https://[2001:0:0:1:0:0:0:1]:443/") == "https://[2001:0:0:1::1]/")
        #expect(try url("https://[2001:db8:0:1:1:1:1:1]/") == "https://[2001:db8:0:1:1:1:1:1]/")
        #expect(try url("https://[::]/") == "https://[::]/")
        #expect(try url("https://[::ffff:192.0.2.1]/") == "https://[::ffff:c000:201]/")
        #expect(try url("https://[1:0:0:2:0:0:0:3]/") == "https://[1:0:0:2::3]/")
        #expect(try url("https://[1:0:0:2:0:0:3:4]/") == "https://[1::2:0:0:3:4]/")
    }

    @Test func internationalHostsBecomePunycode() throws {
        #expect(try url("https://bücher.example/") == "https://xn--bcher-kva.example/")
        #expect(try url("https://BÜCHER.example/") == "https://xn--bcher-kva.example/")
        #expect(try url("https://XN--BCHER-KVA.example/") == "https://xn--bcher-kva.example/")
        #expect(try url("https://例え.テスト/") == "https://xn--r8jz45g.xn--zckzah/")
        #expect(try url("https://ｅｘａｍｐｌｅ．ｃｏｍ/") == "https://example.com/")
        #expect(try url("https://münchen。de/") == "https://xn--mnchen-3ya.de/")
    }

    @Test func errors() throws {
        let cases: [(String, String)] = [
            ("example.com/x", "malformed url: missing scheme (expected http:// or https://)"),
            ("ftp://example.com/", "unsupported url scheme 'ftp': only http and https URLs are accepted"),
            ("https:example.com", "malformed url: expected '//' after 'https:'"),
            ("https:///x", "malformed url: missing host"),
            ("https://u@:443/", "malformed url: missing host"),
            ("https://exa mple.com/", "malformed url: invalid character ' ' in host 'exa mple.com'"),
            ("https://a..b/", "malformed url: host 'a..b' has an empty label"),
            ("https://e.com:8o/", "malformed url: port '8o' is not a number"),
            ("https://e.com:99999/", "malformed url: port '99999' is larger than 65535"),
            ("https://e.com/%G0", "malformed url: bad percent escape '%G0' in path"),
            ("https://e.com/?%", "malformed url: bad percent escape '%' in query"),
            ("https://e.com/a\tb", "malformed url: control character U+0009 at byte 16"),
            ("https://e.com/a\u{85}b", "malformed url: control character U+0085 at byte 16"),
            ("https://[::1/", "malformed url: IPv6 address is missing its closing ']'"),
            ("https://[::1]:x/", "malformed url: port 'x' is not a number"),
            ("https://[1::2::3]/", "malformed url: invalid IPv6 address '1::2::3'"),
            ("https://[12345::]/", "malformed url: invalid IPv6 address '12345::'"),
            ("https://[1:2:3:4:5:6:7:8:9]/", "malformed url: invalid IPv6 address '1:2:3:4:5:6:7:8:9'"),
            ("https://[::1.2.3.04]/", "malformed url: invalid IPv6 address '::1.2.3.04'"),
            ("https://[fe80::1%25en0]/", "malformed url: IPv6 zone identifiers are not supported ('fe80::1%25en0')"),
            ("http://1.2.3/", "ends in a number but is not an IPv4 address"),
            ("http://1.2.3.256/", "ends in a number but is not an IPv4 address"),
            ("http://01.2.3.4/", "ends in a number but is not an IPv4 address"),
            ("http://shop.0x7f/", "ends in a number but is not an IPv4 address"),
        ]
        for (value, message) in cases {
            #expect(try urlError(value).contains(message), "\(value)")
        }
    }
}
