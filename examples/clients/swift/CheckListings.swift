// A listing pipeline's check against a Hallmark node, in Swift with nothing but Foundation: which of these new
// listings' sellers, SKUs and URLs are known counterfeit, and who says so.
//
// Reads identifiers, one `KIND VALUE` a line, from the file given (or standard input), asks the node in batches of
// up to 10 000 (`POST /v1/check`), prints one line per listed identifier with the members that list it, and exits 0
// when nothing is listed, 1 when something is, 2 on an error.
//
//   check-listings-example [--node http://127.0.0.1:7480] [--token TOKEN] [FILE]
//
// Built with the package (`swift build --product check-listings-example`); copy this file into your own project.
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What `POST /v1/check` takes and answers (the fields this example uses; Protocol/http-api.openapi.json has all).
struct CheckRequest: Encodable {
    struct Identifier: Encodable {
        var kind: String
        var value: String
    }
    var identifiers: [Identifier]
}

struct CheckAnswer: Decodable {
    struct Verdict: Decodable {
        struct Origin: Decodable {
            var member: String
            var confidence: Int
            var reason: String
        }
        var kind: String
        var value: String?
        var status: String
        var origins: [Origin]
    }
    var verdicts: [Verdict]
}

struct Failure: Error, CustomStringConvertible {
    var description: String
}

@main
struct CheckListings {
    static func main() async {
        do {
            exit(try await run(Array(CommandLine.arguments.dropFirst())))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(2)
        }
    }

    static func run(_ arguments: [String]) async throws -> Int32 {
        var node = "http://127.0.0.1:7480"
        var token: String?
        var file: String?
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--node": node = try value(after: argument, in: &rest)
            case "--token": token = try value(after: argument, in: &rest)
            default: file = argument
            }
        }
        let text: String
        if let file {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } else {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        var identifiers: [CheckRequest.Identifier] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { throw Failure(description: "line \(number + 1): expected 'KIND VALUE'") }
            identifiers.append(.init(kind: String(parts[0]), value: String(parts[1])))
        }

        var listed = 0
        for start in stride(from: 0, to: identifiers.count, by: 10_000) {
            let batch = Array(identifiers[start..<min(start + 10_000, identifiers.count)])
            for verdict in try await check(batch, node: node, token: token) where verdict.status == "listed" {
                listed += 1
                let sources = verdict.origins.map { "\($0.member) (confidence \($0.confidence), \($0.reason))" }
                print("LISTED \(verdict.kind) \(verdict.value ?? "?"): \(sources.joined(separator: ", "))")
            }
        }
        FileHandle.standardError.write(Data("\(identifiers.count) checked, \(listed) listed\n".utf8))
        return listed > 0 ? 1 : 0
    }

    static func check(_ identifiers: [CheckRequest.Identifier], node: String, token: String?) async throws
        -> [CheckAnswer.Verdict]
    {
        guard let url = URL(string: node + "/v1/check") else { throw Failure(description: "bad --node \(node)") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONEncoder().encode(CheckRequest(identifiers: identifiers))
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, status == 200 else {
            // The node answers problems as RFC 9457 documents, whose `detail` says what is wrong.
            let detail = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["detail"] ?? "no answer"
            throw Failure(description: "the node refused the check: \(detail)")
        }
        return try JSONDecoder().decode(CheckAnswer.self, from: data).verdicts
    }

    static func value(after option: String, in rest: inout ArraySlice<String>) throws -> String {
        guard let value = rest.popFirst() else { throw Failure(description: "\(option) needs a value") }
        return value
    }
}
