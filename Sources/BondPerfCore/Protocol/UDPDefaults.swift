/// iperf3's client defaults for a UDP test (`iperf_parse_arguments` and
/// `iperf_connect` in iperf3's sources).
public enum UDPDefaults {
  /// `-b` when none is given: iperf3's `UDP_RATE`, 1 Mbit/s counted as 1024 x 1024.
  public static let bitrate: Int64 = 1_048_576
  /// The datagram size when the control connection's MSS is unknown.
  public static let datagramLength = 1460

  /// `parameters` with the datagram size filled in: `-l`, or the control
  /// connection's MSS (iperf3's way of sizing datagrams to the path MTU).
  public static func resolved(_ parameters: TestParameters, controlMSS: Int) -> TestParameters {
    guard parameters.transport == .udp else { return parameters }
    var resolved = parameters
    if (resolved.length ?? 0) == 0 {
      let bounds = UDPDatagramHeader.minimumDatagram...UDPDatagramHeader.maximumDatagram
      resolved.length =
        controlMSS > 0 ? min(max(controlMSS, bounds.lowerBound), bounds.upperBound) : datagramLength
    }
    return resolved
  }

  /// iperf3's warning when datagrams are larger than the control connection's MSS.
  public static func fragmentationWarning(_ parameters: TestParameters, controlMSS: Int)
    -> String?
  {
    guard parameters.transport == .udp, controlMSS > 0, let length = parameters.length,
      length > controlMSS
    else { return nil }
    return "warning - UDP block size \(length) exceeds TCP MSS \(controlMSS), "
      + "may result in fragmentation / drops"
  }
}
