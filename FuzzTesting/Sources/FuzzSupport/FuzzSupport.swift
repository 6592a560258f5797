import Dispatch
import Foundation
import HallmarkCore

/// The fuzzer's input as bytes, without a copy: a decoder that reads past its end is caught by AddressSanitizer
/// (libFuzzer hands each input in an allocation of exactly its size).
public func fuzzBytes(_ start: UnsafeRawPointer, _ count: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
}

/// The repository's root folder, for its fixtures (the development CA): `HALLMARK_ROOT` when set, else the checkout
/// this file was compiled from.
public let repositoryRoot: URL = {
    if let root = ProcessInfo.processInfo.environment["HALLMARK_ROOT"], !root.isEmpty {
        return URL(fileURLWithPath: root, isDirectory: true)
    }
    // FuzzTesting/Sources/FuzzSupport/FuzzSupport.swift
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}()

/// A file of the repository, read once; a missing fixture stops the harness before it fuzzes anything.
public func repositoryFile(_ path: String) -> Data {
    let url = repositoryRoot.appendingPathComponent(path)
    guard let data = FileManager.default.contents(atPath: url.path) else {
        fatalError("fuzz harness fixture missing: \(url.path) (set HALLMARK_ROOT to the repository)")
    }
    return data
}

/// Runs an async check to its end from the synchronous fuzz callback: one task, waited for with a semaphore.
public func waitFor<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// Whether to print what each check accepts and refuses (`HALLMARK_FUZZ_VERBOSE=1`), to see how far seeds get.
let verbose = ProcessInfo.processInfo.environment["HALLMARK_FUZZ_VERBOSE"] == "1"

/// Calls `body`; a thrown error is a clean refusal when `allowed` accepts it, anything else is a finding.
/// - Parameters:
///   - what: The decoder, for the finding's message.
///   - allowed: The errors the decoder documents; by default ``HallmarkError`` only.
public func refusesCleanly(
    _ what: String,
    allowing allowed: (any Error) -> Bool = { $0 is HallmarkError },
    _ body: () throws -> Void
) {
    do {
        try body()
        if verbose { print("\(what): accepted") }
    } catch {
        if verbose { print("\(what): refused: \(error)") }
        guard allowed(error) else {
            fatalError("\(what) threw an undocumented error \(type(of: error)): \(error)")
        }
    }
}
