import Foundation
import FuzzSupport
import HallmarkCore
import HallmarkNode

/// One file for the whole run, rewritten with each input: `NodeConfiguration(file:)` reads a path.
let file: URL = {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("hallmark-fuzz-node-config-\(ProcessInfo.processInfo.processIdentifier)")
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("node.json")
}()

/// The node's configuration file (`hallmark node --config`): `NodeConfiguration(file:)` with every key, address and
/// peer it parses, then the connection limits made from it.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try Data(fuzzBytes(start, count)).write(to: file)
    } catch {
        fatalError("cannot write \(file.path): \(error)")
    }
    refusesCleanly("NodeConfiguration(file:)") {
        let configuration = try NodeConfiguration(file: file)
        _ = configuration.connectionLimits
        _ = configuration == NodeConfiguration()
    }
    return 0
}
