/// What `start` reports: who, what, when.
public struct StartInfo: Sendable {
  public var role: Role
  public var systemInfo: String
  public var timestampSeconds: Double
  /// Client: the host as typed and the port. Server: the client's control address.
  public var peerHost: String
  public var peerPort: UInt16
  public var cookie: String
  public var tcpMSSDefault: Int
  public var mssOption: Int?
  public var sockBufsize: Int
  public var sndbufActual: Int
  public var rcvbufActual: Int
  public var parameters: TestParameters
  public var interval: Double
  /// How this host's streams move bytes (`-Z`, `--receive-copy`).
  public var dataPath = DataPath()

  public init(
    role: Role, systemInfo: String, timestampSeconds: Double, peerHost: String, peerPort: UInt16,
    cookie: String, tcpMSSDefault: Int, mssOption: Int?, sockBufsize: Int, sndbufActual: Int,
    rcvbufActual: Int, parameters: TestParameters, interval: Double
  ) {
    self.role = role
    self.systemInfo = systemInfo
    self.timestampSeconds = timestampSeconds
    self.peerHost = peerHost
    self.peerPort = peerPort
    self.cookie = cookie
    self.tcpMSSDefault = tcpMSSDefault
    self.mssOption = mssOption
    self.sockBufsize = sockBufsize
    self.sndbufActual = sndbufActual
    self.rcvbufActual = rcvbufActual
    self.parameters = parameters
    self.interval = interval
  }
}
