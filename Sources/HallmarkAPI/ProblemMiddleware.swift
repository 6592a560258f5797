import HallmarkCore
import HallmarkDocuments
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// Turns every error a route throws, and every request no route answers, into an RFC 9457 problem response.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    /// Every route, to tell a wrong method (`405`) from an unknown path (`404`).
    let routes: [APIRoute]
    let logger: Logger

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        do {
            return try await next(request, context)
        } catch let problem as APIProblem {
            return problem.response(instance: path)
        } catch let error as HallmarkError {
            let problem = APIProblem(error, reading: request.method == .get)
            if problem.status >= 500 {
                logger.error("API request failed", metadata: ["http.path": "\(path)", "error": "\(error)"])
            }
            return problem.response(instance: path)
        } catch is NIOTooManyBytesError {
            return APIProblem.bodyTooLarge.response(instance: path)
        } catch let error as HTTPError where error.status == .notFound {
            return unrouted(request)
        } catch let error as HTTPError {
            let problem = APIProblem(error.status, code: "http-\(error.status.code)", detail: error.body ?? "")
            return problem.response(instance: path)
        } catch  where Self.isClientGone(error) {
            // The client hung up mid-request: nothing went wrong here, and no one is left to answer.
            logger.debug(
                "API client disconnected mid-request",
                metadata: ["http.path": "\(path)", "error": "\(error)"]
            )
            return APIProblem(.badRequest, code: "client-gone", detail: "\(error)").response(instance: path)
        } catch {
            logger.error("API request failed", metadata: ["http.path": "\(path)", "error": "\(error)"])
            return APIProblem(.internalServerError, code: "internal", detail: "\(error)").response(instance: path)
        }
    }

    /// Whether `error` says the client closed or reset its connection before its request was read.
    static func isClientGone(_ error: any Error) -> Bool {
        switch error {
        case HTTPParserError.invalidEOFState:
            return true
        case let error as IOError:
            return [ECONNRESET, EPIPE, ECONNABORTED].contains(error.errnoCode)
        case let error as ChannelError:
            return [.ioOnClosedChannel, .eof, .outputClosed, .inputClosed, .alreadyClosed].contains(error)
        default:
            return false
        }
    }

    /// `405` with `Allow` when the path is a route's but not the method; `404` otherwise.
    private func unrouted(_ request: Request) -> Response {
        let path = request.uri.path
        let allowed = routes.filter { $0.matches(path: path) }.map(\.method)
        guard allowed.isEmpty else {
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            let problem = APIProblem(
                .methodNotAllowed,
                code: "method-not-allowed",
                detail: "\(request.method.rawValue) is not allowed on \(path); allowed: \(names)"
            )
            return problem.response(instance: path, headers: [.allow: names])
        }
        let problem = APIProblem(
            .notFound,
            code: "not-found",
            detail: "no route \(request.method.rawValue) \(path); the routes are listed at /openapi.json"
        )
        return problem.response(instance: path)
    }
}
