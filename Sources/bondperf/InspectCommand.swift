import ArgumentParser
import BondPerfCore

extension Bondperf {
  /// `bondperf inspect [BOND]`: shows how a bond will carry test traffic.
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a bond's mode, hash policy, usable slaves, warnings and TCP tuning.")

    @Argument(help: "The bond to inspect (default: the only bond on the host).")
    var bond: String?

    @Option(help: "Where sysfs is mounted (for testing on a copied tree).")
    var sysfsRoot: String = "/sys"

    @Option(help: "Where procfs is mounted (for testing on a copied tree).")
    var procfsRoot: String = "/proc"

    @Flag(help: "Print JSON (sorted snake_case keys) instead of text.")
    var json = false

    @Option(help: "Round-trip time in milliseconds assumed for the bandwidth-delay product.")
    var rtt: Double = 1

    func validate() throws {
      guard rtt > 0, rtt.isFinite else {
        throw ValidationError("--rtt must be a positive number of milliseconds, got \(rtt).")
      }
    }

    /// The roots the options select.
    var roots: HostRoots { HostRoots(sysfsRoot: sysfsRoot, procfsRoot: procfsRoot) }

    /// Builds the report this invocation asks for.
    func makeReport() throws -> InspectReport {
      let name = try bond ?? BondInfo.defaultBond(roots: roots)
      return try InspectReport.make(bond: name, roots: roots, rttSeconds: rtt / 1000)
    }

    /// The text or JSON this invocation prints.
    func render() throws -> String {
      let report = try makeReport()
      return json ? try report.json() + "\n" : report.text
    }

    /// With `--json`, a failure is a JSON document too: `{"error": "..."}`, as
    /// iperf3's `-J` reports its errors, so a script parsing stdout reads why.
    func errorDocument(_ error: any Error) throws -> String {
      try ScriptJSON.encode(["error": Self.message(for: error)]) + "\n"
    }

    func run() throws {
      do {
        print(try render(), terminator: "")
      } catch  where json {
        print(try errorDocument(error), terminator: "")
        throw ExitCode.failure
      }
    }
  }
}
