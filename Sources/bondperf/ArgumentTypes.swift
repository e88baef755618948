import ArgumentParser
import BondPerfCore

extension KernelVersion: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

extension BondHashPolicy: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument) }
  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension BondMode: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument) }
  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension IPAddress: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

extension MACAddress: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

extension PortRange: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}
