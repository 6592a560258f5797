import Foundation
import HallmarkCore

extension AllianceKey {
    /// Loads an alliance key file (`alliance.key`).
    /// - Parameter file: The file.
    /// - Throws: ``HallmarkError`` located at the file (and line): `file-problem` when it is missing or unreadable,
    ///   `malformed` when it is not a valid alliance key file.
    public static func load(file: URL) throws -> AllianceKey {
        let text = try CredentialFile.readText(file, what: "alliance key")
        do {
            return try AllianceKey(fileContents: text)
        } catch let error as HallmarkError {
            throw error.at(file.path)
        }
    }
}
