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
  /// A test that moves no data for this long is abandoned (`--data-idle-timeout`).
  public var idleTimeout: Duration = .seconds(30)
  /// iperf3's `--idle-timeout`: when no client has connected for this long the server
  /// restarts its listener, or, with ``oneOff``, exits; nil waits forever.
  public var restartAfterIdle: Duration?
  /// iperf3's `--server-bitrate-limit`: the most bit/s a test may average over
  /// ``bitrateAveragingSeconds`` (all streams, both directions); nil for no limit.
  public var bitrateLimit: Int64?
  /// The window `--server-bitrate-limit` averages over (its `/#` part, default 5 s).
  public var bitrateAveragingSeconds = 5
  /// iperf3's socket options for the server's own sockets (`--snd-timeout`, `--cntl-ka`, `-m`).
  public var tuning = SocketTuning()
  /// The CPU the server runs on (`-A n`); a client's `server_affinity` overrides it per test.
  public var cpuAffinity: Int?
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
  /// iperf3's RSA authentication: every test must carry accepted credentials.
  public var authentication: ServerAuthentication?
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
