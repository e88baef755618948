import Foundation
import Synchronization

/// A small HTTP/1.1 server for the exporter: one request per connection, each
/// connection on a thread of its own (a probe blocks for its test's length),
/// at most ``Limits/maxConnections`` at once.
///
/// It survives bad requests: a malformed, oversized or slow request gets one
/// error response (400, 414, 431, 408, 505) and the connection is closed; the
/// accept loop goes on. Connections over the limit get 503 at once.
public final class HTTPServer: Sendable {
  public struct Limits: Sendable {
    /// Connections served at once; more get 503.
    public var maxConnections = 16
    /// How long a client may take to send its request head.
    public var headTimeout: Duration = .seconds(5)
    /// How long a response may take to leave (a client that doesn't read).
    public var sendTimeout: Duration = .seconds(10)

    public init() {}
  }

  public typealias Handler = @Sendable (HTTPRequest, SocketAddress) -> HTTPResponse

  let listener: SharedSocket
  let limits: Limits
  let handler: Handler
  private let stopping = Atomic<Bool>(false)
  private let active = Atomic<Int>(0)

  /// - Parameter listener: A listening socket (``listen(on:)``, or one inherited
  ///   from systemd); made non-blocking here.
  public init(listener: SharedSocket, limits: Limits = Limits(), handler: @escaping Handler)
    throws(SyscallError)
  {
    try listener.socket.setNonBlocking()
    self.listener = listener
    self.limits = limits
    self.handler = handler
  }

  /// A listening TCP socket on `address`.
  public static func listen(on address: SocketAddress) throws(SyscallError) -> SharedSocket {
    let socket = try Socket(family: address.family)
    try socket.setReuseAddress(true)
    if !address.ip.isIPv4 { try socket.setIPv6Only(false) }
    try socket.bind(to: address)
    try socket.listen(backlog: 64)
    return SharedSocket(socket)
  }

  /// The address the listener is bound to.
  public var address: SocketAddress {
    get throws(SyscallError) { try listener.socket.localAddress }
  }

  /// Connections being served now.
  public var activeConnections: Int { active.load(ordering: .relaxed) }

  /// Makes ``run()`` return within about 200 ms; requests being served finish.
  public func stop() { stopping.store(true, ordering: .relaxed) }

  /// Accepts and serves connections until ``stop()``.
  public func run() async throws {
    try await DedicatedThread.run(named: "bondperf-http") { [self] in
      while !stopping.load(ordering: .relaxed) {
        let ready = try Poller.readable([listener.descriptor], timeout: .milliseconds(200))
        guard !ready.isEmpty else { continue }
        let accepted: AcceptedConnection?
        do {
          accepted = try listener.socket.acceptIfReady()
        } catch {
          // Out of descriptors, say: the queued connection stays readable.
          Thread.sleep(forTimeInterval: 0.1)
          continue
        }
        guard let accepted else { continue }
        let peer = accepted.peer
        let connection = SharedSocket(accepted.socket)
        try? connection.socket.setSendTimeout(limits.sendTimeout)
        if active.add(1, ordering: .relaxed).newValue > limits.maxConnections {
          active.subtract(1, ordering: .relaxed)
          let busy = HTTPError(
            503, "busy: \(limits.maxConnections) connections are being served; retry later")
          try? connection.socket.sendAll(HTTPResponse(busy).bytes())
          try? connection.socket.shutdown(.both)
          continue
        }
        let thread = Thread { [self] in
          serve(connection, peer: peer)
          active.subtract(1, ordering: .relaxed)
        }
        thread.name = "bondperf-http-connection"
        thread.start()
      }
    }
  }

  /// Reads one request head, answers it and closes the connection.
  func serve(_ connection: SharedSocket, peer: SocketAddress) {
    let response: HTTPResponse
    var headOnly = false
    do throws(HTTPError) {
      let head = try readHead(connection.socket)
      let request = try HTTPRequest.parse(head: head)
      headOnly = request.method == "HEAD"
      response = handler(request, peer)
    } catch {
      response = HTTPResponse(error)
    }
    try? connection.socket.sendAll(response.bytes(headOnly: headOnly))
    try? connection.socket.shutdown(.write)
    // Let the client read the response before the close can reset it.
    var scratch = [UInt8](repeating: 0, count: 512)
    let drainUntil = ContinuousClock.now + .milliseconds(500)
    while ContinuousClock.now < drainUntil,
      (try? connection.socket.waitReadable(timeout: ContinuousClock.now.duration(to: drainUntil)))
        == true,
      let count = try? scratch.withUnsafeMutableBytes({ try connection.socket.receive(into: $0) }),
      count > 0
    {}
  }

  /// The bytes up to and including the blank line, within the head timeout.
  func readHead(_ socket: borrowing Socket) throws(HTTPError) -> [UInt8] {
    var buffer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 2048)
    let deadline = ContinuousClock.now + limits.headTimeout
    while true {
      if let length = HTTPRequest.headLength(in: buffer) { return Array(buffer[..<length]) }
      if buffer.count > HTTPRequest.maxHeadBytes {
        throw HTTPError(431, "request head longer than \(HTTPRequest.maxHeadBytes) bytes")
      }
      let now = ContinuousClock.now
      guard now < deadline,
        (try? socket.waitReadable(timeout: now.duration(to: deadline))) == true
      else {
        throw HTTPError(408, "no complete request head within \(limits.headTimeout)")
      }
      let count: Int
      do {
        count = try chunk.withUnsafeMutableBytes { try socket.receive(into: $0) }
      } catch {
        throw HTTPError(400, "connection failed: \(error)")
      }
      if count == 0 {
        throw HTTPError(400, "connection closed before the request head was complete")
      }
      buffer += chunk[..<count]
    }
  }
}
