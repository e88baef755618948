/// Calibration probes are ordinary tests whose cookie ends in a marker: an
/// iperf3 server sees a well-formed cookie and nothing else new, while a
/// bondperf server watching its slaves answers with where each probe arrived.
/// A random iperf3 cookie ends in the marker with probability 32^-17.
extension Cookie {
  /// The last 17 characters of a calibration probe's cookie.
  public static let calibrationMarker: [UInt8] = Array("bondperfcalibrate".utf8)

  /// A random cookie that ends in ``calibrationMarker``.
  public static func calibration() -> Cookie {
    var generator = SystemRandomNumberGenerator()
    let fresh = Cookie.random(using: &generator)
    let head = fresh.wireBytes.prefix(textLength - calibrationMarker.count)
    // Every byte is from `alphabet` and the length is right, so this can't fail.
    return Cookie(wireBytes: Array(head) + calibrationMarker + [0]) ?? fresh
  }

  /// Whether this cookie asks a bondperf server for per-slave arrivals.
  public var isCalibration: Bool {
    isWellFormed
      && cStringBytes.suffix(Cookie.calibrationMarker.count).elementsEqual(Cookie.calibrationMarker)
  }
}
