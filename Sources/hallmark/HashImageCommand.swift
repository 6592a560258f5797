import ArgumentParser
import HallmarkCore
import HallmarkDocuments
import HallmarkImage

/// `hallmark hash-image`: the PDQ hash and quality of JPEG and PNG files, computed on this machine.
struct HashImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-image",
        abstract: "Compute the PDQ hash and quality of JPEG and PNG images.",
        discussion: """
            Prints one line per file: HASH,QUALITY,FILE (64 hex digits, as Meta's PDQ reference prints them; quality
            0-100, and hashes below 50 are not trusted to match). Submit a hash as image-pdq with --quality; check an
            image in one step with 'hallmark check --image FILE'. A file that cannot be hashed is reported on standard
            error and the others are still hashed; the exit status is then 2.
            """
    )

    @Argument(help: ArgumentHelp("The images.", valueName: "FILE"))
    var files: [String]

    @Flag(help: "Print JSON: one document per file, in a list.")
    var json = false

    func run() throws {
        let hasher = ImageHasher()
        var documents: [APIDocument.ImageHashBody] = []
        var failed = false
        for file in files {
            do {
                let hashed = try hasher.hash(fileAt: file)
                let document = APIDocument.ImageHashBody(hash: hashed.hash, quality: hashed.quality, file: file)
                if json {
                    documents.append(document)
                } else {
                    Output.line("\(document.hash),\(document.quality),\(file)")
                }
            } catch let error as HallmarkError {
                Output.error(error.description)
                failed = true
            }
        }
        if json { try Output.json(documents) }
        if failed { throw ExitCode(2) }
    }
}
