import ArgumentParser
import BondPerfCore

/// A size in iperf3's spelling (`128K`, `1M`; 1024s).
struct SizeArgument: ExpressibleByArgument, Hashable {
  var bytes: Int64
  init?(argument: String) {
    guard let value = Units.parseSize(argument) else { return nil }
    bytes = value
  }
}
