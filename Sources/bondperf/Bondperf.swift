import ArgumentParser
import BondPerfCore

@main
struct Bondperf: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bondperf",
    abstract: "Throughput tester for bonded Linux links, speaking iperf3's protocol.",
    version: BondPerfVersion.string,
    subcommands: [Hash.self, Plan.self, Inspect.self])
}
