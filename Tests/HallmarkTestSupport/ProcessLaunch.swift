import Foundation

extension Process {
    /// Launches one process at a time, test-wide: Foundation's `Process.run()` on Linux once crashed in a `memcpy`
    /// when tests on several threads launched at the same moment. Only the launch is serialized; the processes run
    /// side by side.
    public func launchSerially() throws {
        try ProcessLaunch.lock.withLock { try run() }
    }
}

private enum ProcessLaunch {
    static let lock = NSLock()
}
