import Testing

@testable import BondPerfCore

/// The server's one line per test (`--journal`).
struct TestLogLineTests {
  static func record(parallel: Int, reverse: Bool, received: Int64) -> TestRecord {
    var parameters = TestParameters()
    parameters.parallel = parallel
    parameters.reverse = reverse
    var record = TestRecord()
    record.start = StartInfo(
      role: .server, systemInfo: "", timestampSeconds: 0, peerHost: "198.18.0.1",
      peerPort: 40212, cookie: "", tcpMSSDefault: 1448, mssOption: nil, sockBufsize: 0,
      sndbufActual: 0, rcvbufActual: 0, parameters: parameters, interval: 0)
    record.summary = TestSummary(
      streams: (0..<parallel).map { index in
        StreamSummary(
          id: index + 1, socket: Int32(index + 5), localSends: reverse,
          bytesSent: reverse ? received / Int64(parallel) : 0,
          bytesReceived: reverse ? 0 : received / Int64(parallel), retransmits: nil,
          maxSndCwnd: 0, maxSndWnd: 0, maxRtt: 0, minRtt: 0, meanRtt: 0)
      }, endTime: 10, senderTime: 10, receiverTime: 10, clientToServerHasRetransmits: false,
      serverToClientHasRetransmits: false, localCPU: (0, 0, 0), remoteCPU: (0, 0, 0),
      localCongestion: nil, remoteCongestion: nil, hasPeerResults: false)
    return record
  }

  @Test func oneLinePerTest() {
    let upload = Self.record(parallel: 4, reverse: false, received: 476_250_000)
    #expect(
      TestLogLine.text(upload)
        == "test from 198.18.0.1 port 40212: 4 streams, upload, 10.0 s, received 381 Mbits/sec")
    let download = Self.record(parallel: 1, reverse: true, received: 125_000_000)
    #expect(
      TestLogLine.text(download)
        == "test from 198.18.0.1 port 40212: 1 stream, download, 10.0 s, sent 100 Mbits/sec")
    #expect(
      TestLogLine.text(download, failure: "the client left")
        == "test from 198.18.0.1 port 40212: 1 stream, download, failed - the client left")
    #expect(!TestLogLine.text(upload).contains("\n"))
  }
}
