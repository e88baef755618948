/// One data connection as it was opened.
public struct ConnectedStream: Sendable, Hashable {
  public var id: Int
  public var socket: Int32
  public var local: SocketAddress
  public var remote: SocketAddress
  public var localSends: Bool
  /// The slave the stream was predicted to leave on (when a bond is known).
  public var predictedSlave: Int?
  /// Ports tried before this one was free (pinning's busy-port fallback).
  public var replacedPorts: [UInt16] = []

  public init(
    id: Int, socket: Int32, local: SocketAddress, remote: SocketAddress, localSends: Bool,
    predictedSlave: Int? = nil, replacedPorts: [UInt16] = []
  ) {
    self.id = id
    self.socket = socket
    self.local = local
    self.remote = remote
    self.localSends = localSends
    self.predictedSlave = predictedSlave
    self.replacedPorts = replacedPorts
  }
}

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

/// TCP_INFO figures of a sending stream for one interval.
public struct TCPSample: Sendable, Hashable {
  public var retransmits: Int64
  public var sndCwnd: Int64
  public var sndWnd: Int64
  public var rtt: Int64
  public var rttvar: Int64
  public var pmtu: Int64
}

/// One stream's share of an interval.
public struct StreamInterval: Sendable, Hashable {
  public var id: Int
  public var socket: Int32
  public var start: Double
  public var end: Double
  public var bytes: Int64
  public var localSends: Bool
  public var omitted: Bool
  public var tcp: TCPSample?

  public var seconds: Double { end - start }
  public var bitsPerSecond: Double { Units.rate(bytes: bytes, seconds: seconds) }
}

/// Bytes one bond slave carried during an interval (or the whole test).
public struct SlaveSample: Sendable, Hashable, Codable {
  public var index: Int
  public var name: String?
  public var txBytes: Int64
  public var rxBytes: Int64
  public var seconds: Double

  public var txBitsPerSecond: Double { Units.rate(bytes: txBytes, seconds: seconds) }
  public var rxBitsPerSecond: Double { Units.rate(bytes: rxBytes, seconds: seconds) }
}

/// One reporting interval.
public struct IntervalReport: Sendable {
  public var streams: [StreamInterval]
  public var slaves: [SlaveSample]
  public var omitted: Bool { streams.first?.omitted ?? false }
}

/// One stream's totals at the end, as iperf3's `end.streams[]` needs them.
public struct StreamSummary: Sendable, Hashable {
  public var id: Int
  public var socket: Int32
  public var localSends: Bool
  public var bytesSent: Int64
  public var bytesReceived: Int64
  /// Retransmits of the sender (local tcp_info, or the peer's report); nil when unknown.
  public var retransmits: Int64?
  public var maxSndCwnd: Int64
  public var maxSndWnd: Int64
  public var maxRtt: Int64
  public var minRtt: Int64
  public var meanRtt: Int64
}

/// The end of a test.
public struct TestSummary: Sendable {
  public var streams: [StreamSummary]
  /// Local duration of the first stream (iperf3's `end_time`).
  public var endTime: Double
  public var senderTime: Double
  public var receiverTime: Double
  /// Whether the sending side of each direction reported retransmits.
  public var clientToServerHasRetransmits: Bool
  public var serverToClientHasRetransmits: Bool
  public var localCPU: (total: Double, user: Double, system: Double)
  public var remoteCPU: (total: Double, user: Double, system: Double)
  public var localCongestion: String?
  public var remoteCongestion: String?
  /// Whether the peer's results were received (the server prints before it has them).
  public var hasPeerResults: Bool

  /// Whether the sender of `stream`'s direction reported retransmits, seen from `role`.
  public func hasRetransmits(_ stream: StreamSummary, role: Role) -> Bool {
    let clientToServer = stream.localSends == (role == .client)
    return clientToServer ? clientToServerHasRetransmits : serverToClientHasRetransmits
  }
}

/// Everything one test produced, for the reporters.
public struct TestRecord: Sendable {
  public var start: StartInfo?
  public var connected: [ConnectedStream] = []
  public var intervals: [IntervalReport] = []
  public var summary: TestSummary?
  public var error: String?
  public var serverOutputJSON: JSONValue?
  public var serverOutputText: String?
  /// bondperf's own `bond` object for `-J` (set by the pinning layer).
  public var bond: JSONValue?
  /// Members of the peer's results beyond iperf3's (a bondperf server's per-slave truth).
  public var peerExtra: [(String, JSONValue)] = []
  /// Streams that stalled while others moved (client only), in the order they were found.
  public var stalledStreams: [StalledStream] = []

  public init() {}
}
