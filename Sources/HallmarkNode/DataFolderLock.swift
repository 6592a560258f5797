import Foundation
import HallmarkCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data folder's single owner: an exclusive `flock` on ``fileName`` in it, held for as long as a node runs there.
///
/// The kernel releases the lock when the process exits, however it exits (SIGKILL, a crash), so no stale lock is
/// ever left; deleting the file or the control socket does not let a second node in while the first runs, since the
/// lock is on the open file, not on its name. Commands that open the store beside a running node (`hallmark sync`,
/// `tokens`, `allowlist`) do not take it: SQLite serializes their writes.
final class DataFolderLock: Sendable {
    /// The lock file's name in the data folder; it holds the owner's process id, for the error a second node shows.
    static let fileName = "node.lock"

    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Takes the lock of `dataDirectory`, or fails at once when another process holds it.
    /// - Throws: ``HallmarkError`` `store-problem` naming the lock file and the owner's process id when another node
    ///   runs on the folder; `file-problem` when the lock file cannot be opened.
    static func acquire(in dataDirectory: URL) throws -> DataFolderLock {
        let path = dataDirectory.appendingPathComponent(fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw HallmarkError(
                .fileProblem,
                "cannot open the data folder's lock file: \(String(cString: strerror(errno)))",
                location: path
            )
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let owner = Self.owner(descriptor)
            close(descriptor)
            guard reason == EWOULDBLOCK else {
                throw HallmarkError(
                    .fileProblem,
                    "cannot lock the data folder: \(String(cString: strerror(reason)))",
                    location: path
                )
            }
            throw HallmarkError(
                .storeProblem,
                "another node runs on this data folder\(owner.map { " (process \($0))" } ?? ""): it holds "
                    + "\(fileName); stop it first, or give this node its own data folder with --data",
                location: dataDirectory.path
            )
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return DataFolderLock(descriptor: descriptor)
    }

    /// Lets the folder go: another node may start on it from now on.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The process id written in the lock file by its holder, if readable.
    private static func owner(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
