/// How a server listens, whom it serves, and how long it waits for a client.
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
  /// How long the server waits for the first byte of each control message
  /// (the cookie, the parameters, the results) — `--rcv-timeout`.
  public var receiveTimeout: Duration = .seconds(10)
  /// How long a control message may take from the start of the wait: three
  /// times ``receiveTimeout`` (30 s by default), so a client trickling a byte
  /// at a time can't hold a connection longer.
  public var messageTimeout: Duration { receiveTimeout * 3 }
  /// How long the client may take to open its data connections.
  public var streamTimeout: Duration = .seconds(30)
  /// A test that moves no data for this long is abandoned (`--idle-timeout`).
  public var idleTimeout: Duration = .seconds(30)
  /// The most parallel streams (`-P`) a client may ask for (`--max-streams`).
  public var maxStreams = TestBounds.streams.upperBound
  /// The longest test the server runs (`--max-duration`); `nil` for no limit.
  ///
  /// A client asking for a longer `-t` is refused; a test bounded by bytes or
  /// blocks is ended by the server when it reaches this length.
  public var maxDuration: Duration?
  /// Clients must come from one of these networks (`--allow`); empty allows all.
  public var allowedNetworks: [IPNetwork] = []
  /// Control connections that may wait for their cookie at the same time;
  /// more are closed at once.
  public var maxPendingConnections = 32
  /// A listening socket to serve on instead of opening one (systemd's socket
  /// activation, ``SystemdSockets``). It is never reopened: a test's `-w` is set
  /// on it in place, and stays for later tests until the server restarts.
  public var inheritedListener: SharedSocket?

  public init() {}

  /// Whether a client at `address` may connect.
  public func allows(_ address: IPAddress) -> Bool {
    allowedNetworks.isEmpty || allowedNetworks.contains { $0.contains(address) }
  }
}
