import Foundation
import Testing

@testable import BondPerfCore

/// Captured iperf3 bytes shared by the protocol tests.
enum ProtocolFixtures {
  /// Reads a file from `Fixtures/iperf3/`.
  static func file(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/iperf3/\(name)")
    return Array(try Data(contentsOf: url))
  }

  static let capturedJSONFiles = [
    "client-P2.json", "client-reverse.json", "server-reverse.json", "server.json",
    "client-P2-t1.json", "client-bidir.json", "client-error-busy.json",
    "client-error-refused.json", "client-get-server-output.json", "client-n500M.json",
    "client-n50M-b200M.json", "client-omit-O1.json", "server-P2-t1.json", "server-bidir.json",
    "server-n500M.json", "server-omit-O1.json", "v3.21-client-P2.json",
    "v3.21-client-n500M.json", "v3.21-client-n50M-b200M.json", "v3.21-server-P2.json",
  ]

  static let params312Default =
    #"{"tcp":true,"omit":0,"time":1,"num":0,"blockcount":0,"parallel":2,"len":131072,"pacing_timer":1000,"client_version":"3.12"}"#
  static let params312Reverse =
    #"{"tcp":true,"omit":0,"time":1,"num":0,"blockcount":0,"parallel":2,"reverse":true,"len":131072,"pacing_timer":1000,"client_version":"3.12"}"#
  static let params312Bidir =
    #"{"tcp":true,"omit":0,"time":1,"num":0,"blockcount":0,"parallel":2,"bidirectional":true,"len":131072,"pacing_timer":1000,"client_version":"3.12"}"#
  static let params312UDP =
    #"{"udp":true,"omit":0,"time":1,"num":0,"blockcount":0,"parallel":1,"len":32768,"bandwidth":1000000,"pacing_timer":1000,"client_version":"3.12"}"#
  static let params321Reverse =
    #"{"tcp":true,"omit":0,"time":2,"num":0,"blockcount":0,"parallel":2,"reverse":true,"len":131072,"pacing_timer":1000,"client_version":"3.21"}"#

  // 3.12 normal mode, -P 2.
  static let normalClientResults =
    #"{"cpu_util_total":43.522719539030419,"cpu_util_user":1.3016757030617878,"cpu_util_system":42.220476698199526,"sender_has_retransmits":1,"congestion_used":"bbr","streams":[{"id":1,"bytes":964689920,"retransmits":1,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.000836},{"id":3,"bytes":787742720,"retransmits":2,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.000843}]}"#
  static let normalServerResults =
    #"{"cpu_util_total":38.445754461560284,"cpu_util_user":0.698381177922836,"cpu_util_system":37.747277444310164,"sender_has_retransmits":18446744073709551615,"congestion_used":"bbr","streams":[{"id":1,"bytes":962199552,"retransmits":18446744073709551615,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.043254},{"id":3,"bytes":787742720,"retransmits":18446744073709551615,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.043259}]}"#
  // 3.12 -R, -P 2.
  static let reverseClientResults =
    #"{"cpu_util_total":43.813065578171,"cpu_util_user":3.1101605136283261,"cpu_util_system":40.702809537774627,"sender_has_retransmits":18446744073709551615,"congestion_used":"bbr","streams":[{"id":1,"bytes":1410990080,"retransmits":18446744073709551615,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.000114},{"id":3,"bytes":1079836672,"retransmits":18446744073709551615,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.000118}]}"#
  static let reverseServerResults =
    #"{"cpu_util_total":47.427698484268738,"cpu_util_user":1.3878660741925746,"cpu_util_system":46.039832410076158,"sender_has_retransmits":1,"congestion_used":"bbr","streams":[{"id":1,"bytes":1418199040,"retransmits":0,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.040142},{"id":3,"bytes":1086586880,"retransmits":1,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.040147}]}"#
  // 3.12 --bidir, -P 2.
  static let bidirClientResults =
    #"{"cpu_util_total":47.699476217696372,"cpu_util_user":1.1944176809578928,"cpu_util_system":46.50372696741745,"sender_has_retransmits":1,"congestion_used":"bbr","streams":[{"id":1,"bytes":494141440,"retransmits":7,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.000258},{"id":3,"bytes":521666560,"retransmits":8,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.000265},{"id":4,"bytes":354615296,"retransmits":18446744073709551615,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.000266},{"id":5,"bytes":328859648,"retransmits":18446744073709551615,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.000267}]}"#
  static let bidirServerResults =
    #"{"cpu_util_total":39.005351307071017,"cpu_util_user":1.1503424236885043,"cpu_util_system":37.8550088833825,"sender_has_retransmits":1,"congestion_used":"bbr","streams":[{"id":1,"bytes":488374272,"retransmits":18446744073709551615,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.033903},{"id":3,"bytes":514719744,"retransmits":18446744073709551615,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.033911},{"id":4,"bytes":363069440,"retransmits":12,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.033912},{"id":5,"bytes":342097920,"retransmits":10,"jitter":0,"errors":0,"packets":0,"start_time":0,"end_time":1.033914}]}"#
  // 3.21 -R, -P 2 (client and server).
  static let v321ClientResults =
    #"{"cpu_util_total":41.83442476569887,"cpu_util_user":1.05138963380386,"cpu_util_system":40.782694135396071,"sender_has_retransmits":-1,"congestion_used":"bbr","streams":[{"id":1,"bytes":1979973632,"retransmits":-1,"jitter":0,"errors":0,"omitted_errors":0,"packets":0,"omitted_packets":0,"start_time":0,"end_time":2.000288},{"id":3,"bytes":1789263872,"retransmits":-1,"jitter":0,"errors":0,"omitted_errors":0,"packets":0,"omitted_packets":0,"start_time":0,"end_time":2.000293}]}"#
  static let v321ServerResults =
    #"{"cpu_util_total":40.327794173473265,"cpu_util_user":0.4069506863741566,"cpu_util_system":39.92079450410845,"sender_has_retransmits":1,"congestion_used":"bbr","streams":[{"id":1,"bytes":1987444736,"retransmits":1,"jitter":0,"errors":0,"omitted_errors":0,"packets":0,"omitted_packets":0,"start_time":0,"end_time":2.041486},{"id":3,"bytes":1795424256,"retransmits":1,"jitter":0,"errors":0,"omitted_errors":0,"packets":0,"omitted_packets":0,"start_time":0,"end_time":2.041492}]}"#

  /// One captured control conversation, as the bytes each side wrote, split
  /// into the segments the relay saw.
  struct Transcript: Sendable {
    var name: String
    var cookie: String
    var params: String
    var clientResults: String
    var serverResults: String
    var clientToServer: [[UInt8]]
    var serverToClient: [[UInt8]]
    var trailingServerBytes: [UInt8] = []
  }

  static func transcript(
    _ name: String, cookie: String, params: String, clientResults: String,
    serverResults: String, trailing: [UInt8] = []
  ) -> Transcript {
    let cookieBytes = Array(cookie.utf8) + [0]
    let frame = { (text: String) in Framing.frame(Array(text.utf8)) }
    return Transcript(
      name: name, cookie: cookie, params: params, clientResults: clientResults,
      serverResults: serverResults,
      clientToServer: [cookieBytes, frame(params), [0x04], frame(clientResults), [0x10]],
      serverToClient: [[0x09], [0x0a], [0x01, 0x02], [0x0d], frame(serverResults) + [0x0e]]
        + (trailing.isEmpty ? [] : [trailing]),
      trailingServerBytes: trailing)
  }

  static let transcripts: [Transcript] = [
    transcript(
      "3.12 normal", cookie: "i7b3gini74ei3vpyw45bqnc5rn4z6eauu2vo", params: params312Default,
      clientResults: normalClientResults, serverResults: normalServerResults),
    transcript(
      "3.12 reverse", cookie: "brz6ntk7a2x2lk2hi3oakik62xokyl4axdc5", params: params312Reverse,
      clientResults: reverseClientResults, serverResults: reverseServerResults),
    transcript(
      "3.12 bidir", cookie: "xgznbb6xymogw5rvm3vbfhv2x6kxakyclb3v", params: params312Bidir,
      clientResults: bidirClientResults, serverResults: bidirServerResults),
    transcript(
      "3.21 reverse", cookie: "cd6st4kjhyl5dyz3xzdfteeui4q4ak4wnq6w", params: params321Reverse,
      clientResults: v321ClientResults, serverResults: v321ServerResults,
      trailing: [0xfe, 0, 0, 0, 0xcd, 0, 0, 0, 0]),
  ]
}

extension ProtocolFixtures.Transcript: CustomTestStringConvertible {
  var testDescription: String { name }
}
