/// Everything a client test needs; the CLI builds it from iperf3's flags.
public struct ClientConfiguration: Sendable {
  public var host: String
  /// The server's address, resolved once by whoever planned the test's ports
  /// for it; nil resolves ``host`` when the test starts.
  public var serverAddress: SocketAddress?
  public var port: UInt16 = 5201
  public var family: AddressFamily?
  public var parameters = TestParameters()
  /// Report interval in seconds (`-i`); 0 turns interval reports off.
  public var interval: Double = 1
  /// Local address for the control and data sockets (`-B`).
  public var bindAddress: IPAddress?
  /// `SO_BINDTODEVICE` for every socket (`--bind-dev`).
  public var bindDevice: String?
  /// How long to wait for the TCP connections to the server.
  public var connectTimeout: Duration = .seconds(10)
  /// How long to wait for any control message from the server.
  public var controlTimeout: Duration = .seconds(30)
  /// A stream that moves no data for this long while others move is reported as stalled.
  public var stallWindow: Duration = .seconds(2)
  /// A test in which no stream moves data for this long ends with an error.
  public var idleTimeout: Duration = .seconds(15)
  /// `send` or `sendfile` (`-Z`); discard or copy received bytes (`--receive-copy`).
  public var dataPath = DataPath()
  /// iperf3's socket options for this host's sockets (`-S`, `-L`, `--snd-timeout`, ...).
  public var tuning = SocketTuning()
  /// The CPU the test's threads run on (`-A n`); nil leaves them to the scheduler.
  public var cpuAffinity: Int?
  /// Source ports of the data connections, in the order they are opened.
  public var sourcePorts: SourcePorts = .kernel
  /// Predicts the local bond slave of a data connection from its addresses.
  public var slavePredictor: (@Sendable (_ local: SocketAddress, _ remote: SocketAddress) -> Int?)?
  /// iperf3's RSA authentication: an `authtoken` made when the parameters go out.
  public var authentication: ClientAuthentication?

  public init(host: String) {
    self.host = host
  }
}

/// How the data connections get their source ports.
public enum SourcePorts: Sendable {
  /// The kernel picks (iperf3's default).
  case kernel
  /// Stream i binds port + i (iperf3's `--cport`); a busy port fails the test.
  case consecutive(from: UInt16)
  /// Stream i binds the planned port; a busy port is replaced by the next
  /// alternative of the same slave.
  case pinned([PinnedPort])
}

/// A planned source port and its stand-ins.
public struct PinnedPort: Sendable, Hashable {
  public var port: UInt16
  public var slave: Int
  /// Further ports that land on the same slave(s), tried in order when `port` is busy.
  public var alternatives: [UInt16]

  public init(port: UInt16, slave: Int, alternatives: [UInt16]) {
    self.port = port
    self.slave = slave
    self.alternatives = alternatives
  }
}
