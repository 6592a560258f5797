import Foundation
import HallmarkCore
import Logging
import NIOCore
import NIOPosix

/// Chooses how to reach a member: through its running node when the node's control socket answers, otherwise
/// through its store opened directly.
public enum MemberRouter {
    /// Opens the way to the member whose data folder is `dataDirectory` and whose node would serve `controlSocket`.
    ///
    /// A socket file that refuses connections (left by a node that was killed) counts as no node. The way taken is
    /// logged at info level.
    /// - Throws: ``HallmarkError`` when no node runs and the folder holds no usable store.
    public static func open(dataDirectory: URL, controlSocket: URL, logger: Logger) async throws -> any MemberAccess {
        if let node = await runningNode(controlSocket: controlSocket, logger: logger) { return node }
        var logger = logger
        logger[metadataKey: "node.socket"] = "\(controlSocket.path)"
        return try await StoreAccess.open(dataDirectory: dataDirectory, logger: logger)
    }

    /// The node running on the data folder whose control socket is `controlSocket`, when one answers there.
    public static func runningNode(controlSocket: URL, logger: Logger) async -> NodeClient? {
        var logger = logger
        logger[metadataKey: "node.socket"] = "\(controlSocket.path)"
        guard FileManager.default.fileExists(atPath: controlSocket.path) else {
            logger.info("no node running (no control socket): opening the store directly")
            return nil
        }
        let client = NodeClient(socketPath: controlSocket.path)
        do {
            try await connectOnce(controlSocket.path)
            try await client.probe()
        } catch {
            logger.info(
                "the control socket does not answer (a node that stopped without removing it?): opening the store directly",
                metadata: ["error": "\(error)"]
            )
            return nil
        }
        logger.info("going through the running node's control socket")
        return client
    }

    /// Connects to the socket once and closes: a file left by a killed node refuses at once, where an HTTP request
    /// would retry until its timeout.
    /// - Throws: The connection's error.
    private static func connectOnce(_ path: String) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path).get()
        try? await channel.close()
    }
}
