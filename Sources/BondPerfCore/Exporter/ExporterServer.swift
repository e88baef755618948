import FlyingFox
import FlyingSocks
import Glibc

/// The exporter on HTTP/1.1: FlyingFox's server (an epoll loop, a task per
/// connection, keep-alive) with every request handed to ``Exporter/handle(_:)``.
///
/// FlyingFox parses the request; the exporter answers what it lets through and
/// doesn't take (another version, a method that is not a token, a target that
/// is not a path, an unknown page or parameter) with one clear error line. A
/// request line FlyingFox cannot parse at all (not `METHOD TARGET VERSION`)
/// gets no response: FlyingFox closes the connection (RFC 9112 allows it for
/// an unrecoverable framing error), and goes on serving.
public final class ExporterServer: Sendable {
  let server: HTTPServer

  /// - Parameters:
  ///   - host: The IP address to listen on (an IPv6 one listens on both families).
  ///   - timeout: How long a request may take before it is answered with 500;
  ///     longer than the longest probe, whose own deadline ends it first.
  public init(exporter: Exporter, host: String, port: UInt16, timeout: Duration)
    throws(ExporterServerError)
  {
    let seconds = Double(timeout.components.seconds)
    do {
      if host.contains(":") {
        server = HTTPServer(
          address: try sockaddr_in6.inet6(ip6: host, port: port), timeout: seconds,
          logger: .disabled, handler: ClosureHTTPHandler(exporter.handle))
      } else {
        server = HTTPServer(
          address: try sockaddr_in.inet(ip4: host, port: port), timeout: seconds,
          logger: .disabled, handler: ClosureHTTPHandler(exporter.handle))
      }
    } catch {
      throw ExporterServerError("'\(host)' is not an IP address to listen on: \(error)")
    }
  }

  /// Serves until ``stop()``; throws if it cannot listen.
  public func run() async throws(ExporterServerError) {
    do {
      try await server.run()
    } catch {
      throw ExporterServerError("the HTTP server stopped: \(error)")
    }
  }

  /// The port it listens on, once it does (within 5 s of ``run()``).
  public func listeningPort() async throws(ExporterServerError) -> UInt16 {
    do {
      try await server.waitUntilListening(timeout: 5)
    } catch {
      throw ExporterServerError("the HTTP server did not start listening: \(error)")
    }
    switch await server.listeningAddress {
    case .ip4(_, let port), .ip6(_, let port): return port
    default: throw ExporterServerError("the HTTP server has no TCP address")
    }
  }

  /// Closes the listener and lets requests being served finish for up to 1 s.
  public func stop() async {
    await server.stop(timeout: 1)
  }
}
