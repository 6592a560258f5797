import Foundation
import HallmarkCore

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads and writes the small files that hold certificates and keys.
///
/// Writes go to a temporary file in the destination folder that is flushed and then renamed (or linked) into
/// place, so a crash never leaves half a key, and the file has its final permissions before any byte is written.
package enum CredentialFile {
    /// The largest credential file accepted: PEM certificates and keys are a few kilobytes.
    static let maximumSize = 1 << 20

    /// Owner read and write only: private keys and the alliance key.
    package static let secretMode: mode_t = 0o600
    /// Readable by everyone, writable by the owner: certificates.
    package static let publicMode: mode_t = 0o644

    /// Reads a text file.
    /// - Parameters:
    ///   - url: The file.
    ///   - what: What the file should hold, for error messages, such as `certificate`.
    /// - Throws: ``HallmarkError`` `file-problem` (located at the path) when the file is missing, unreadable,
    ///   too large or not UTF-8 text.
    static func readText(_ url: URL, what: String) throws -> String {
        let path = url.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT {
                throw HallmarkError(.fileProblem, "\(what) file is missing", location: path)
            }
            throw HallmarkError(.fileProblem, "cannot read \(what) file: \(describe(code))", location: path)
        }
        defer { close(fd) }

        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EISDIR {
                    throw HallmarkError(.fileProblem, "expected a \(what) file, found a folder", location: path)
                }
                throw HallmarkError(.fileProblem, "cannot read \(what) file: \(describe(code))", location: path)
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > maximumSize {
                throw HallmarkError(
                    .fileProblem,
                    "file is larger than \(maximumSize) bytes, too large to be a \(what) file",
                    location: path
                )
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HallmarkError(.fileProblem, "not a text file, so not a PEM \(what) file", location: path)
        }
        return text
    }

    /// Refuses, unless `force`, when any of the files already exists.
    ///
    /// Checked before any key is made, so that a refusal leaves nothing behind.
    /// - Throws: ``HallmarkError`` `file-problem` naming the first file that exists.
    static func checkCanWrite(_ urls: [URL], force: Bool) throws {
        guard !force else { return }
        for url in urls where exists(url.path) {
            throw alreadyExists(url.path)
        }
    }

    /// Creates the folder and its missing parents; succeeds when it already exists.
    /// - Throws: ``HallmarkError`` `file-problem` when the path is a file or the folder cannot be created.
    package static func ensureDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw HallmarkError(.fileProblem, "expected a folder, found a file", location: url.path)
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw HallmarkError(
                .fileProblem,
                "cannot create the folder: \(error.localizedDescription)",
                location: url.path
            )
        }
    }

    /// Writes a file atomically with the given permissions.
    /// - Parameters:
    ///   - contents: The text to write.
    ///   - url: The destination, in an existing folder.
    ///   - mode: The file's permissions, set before any byte is written.
    ///   - force: Whether an existing file may be replaced.
    /// - Throws: ``HallmarkError`` `file-problem` naming the file when it exists (and not `force`) or cannot be written.
    package static func writeAtomically(_ contents: String, to url: URL, mode: mode_t, force: Bool) throws {
        try writeAtomically(Array(contents.utf8), to: url, mode: mode, force: force)
    }

    /// ``writeAtomically(_:to:mode:force:)`` for bytes, such as a binary export.
    package static func writeAtomically(_ contents: [UInt8], to url: URL, mode: mode_t, force: Bool) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let temporary =
            folder + "/." + url.lastPathComponent + ".tmp-" + String(UInt64.random(in: .min ... .max), radix: 16)

        // Created owner-only whatever `mode` is, so that a secret is never visible to others, even for an instant.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, secretMode)
        guard fd >= 0 else {
            throw HallmarkError(
                .fileProblem,
                "cannot create a file in this folder: \(describe(errno))",
                location: folder
            )
        }
        var placed = false
        defer { if !placed { unlink(temporary) } }
        do {
            defer { close(fd) }
            // fchmod rather than the creation mode alone, because the umask may have narrowed it.
            guard fchmod(fd, mode) == 0 else {
                throw HallmarkError(.fileProblem, "cannot set permissions: \(describe(errno))", location: path)
            }
            try writeAll(contents, to: fd, path: path)
            guard fsync(fd) == 0 else {
                throw HallmarkError(.fileProblem, "cannot flush the file to disk: \(describe(errno))", location: path)
            }
        }

        if force {
            guard rename(temporary, path) == 0 else {
                throw HallmarkError(.fileProblem, "cannot write the file: \(describe(errno))", location: path)
            }
        } else if link(temporary, path) == 0 {
            // link(2) fails when the destination exists, so a file that appeared since the check is never replaced.
            unlink(temporary)
        } else {
            let code = errno
            if code == EEXIST { throw alreadyExists(path) }
            // Some file systems have no hard links: check, then rename.
            if exists(path) { throw alreadyExists(path) }
            guard rename(temporary, path) == 0 else {
                throw HallmarkError(.fileProblem, "cannot write the file: \(describe(errno))", location: path)
            }
        }
        placed = true
        syncDirectory(folder)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                throw HallmarkError(.fileProblem, "cannot write the file: \(describe(code))", location: path)
            }
            offset += written
        }
    }

    /// Makes the rename durable; best effort, since some file systems refuse to sync a folder.
    private static func syncDirectory(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func exists(_ path: String) -> Bool {
        // Not following links: a dangling symbolic link is still a file that would be replaced.
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    private static func alreadyExists(_ path: String) -> HallmarkError {
        HallmarkError(.fileProblem, "file already exists; pass --force to overwrite it", location: path)
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
