/// The OpenAPI 3.1 document of the API, `Protocol/http-api.openapi.json`, compiled into the module (SwiftPM's
/// `embedInCode`), so that an installed `hallmark` binary serves it with no resource bundle beside it.
enum OpenAPIDocument {
    /// The document's bytes, exactly as in the repository.
    static var bytes: [UInt8] { PackageResources.http_api_openapi_json }
}
