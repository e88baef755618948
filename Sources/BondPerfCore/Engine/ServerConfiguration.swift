/// How a server listens and how long it waits for a client.
public struct ServerConfiguration: Sendable {
  public var port: UInt16 = 5201
  /// Listen only on this address (`-B`); default: every address, IPv4 and IPv6.
  public var bindAddress: IPAddress?
  public var family: AddressFamily?
  public var bindDevice: String?
  /// Serve one test, then exit (`-1`).
  public var oneOff = false
  /// How the server's streams move bytes: `sendfile` for its senders (`-R`, `--bidir`)
  /// only with its own `-Z`; copy received bytes only with `--receive-copy`.
  public var dataPath = DataPath()
  /// Report interval in seconds (`-i`).
  public var interval: Double = 1
  /// How long a new control connection may take to send its cookie and parameters.
  public var controlTimeout: Duration = .seconds(10)
  /// How long the client may take to open its data connections.
  public var streamTimeout: Duration = .seconds(30)
  /// A test that moves no data for this long is abandoned.
  public var idleTimeout: Duration = .seconds(30)

  public init() {}
}
