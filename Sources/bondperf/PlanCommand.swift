import ArgumentParser
import BondPerfCore
import Foundation

extension Bondperf {
  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Choose source ports so that stream i leaves the bond on slave i mod N.",
      discussion: """
        Example: bondperf plan --policy layer3+4 --slaves 4 --local 198.18.0.1 \\
                   --remote 198.18.0.2 -P 8 --peer-slaves 4
        """)

    @Option(help: "The bond's xmit_hash_policy.")
    var policy: BondHashPolicy

    @Option(help: "The bond mode (default 802.3ad; balance-xor hashes the same way).")
    var mode: BondMode = .ieee8023ad

    @Option(help: "Number of usable slaves of the local bond.")
    var slaves: Int

    @Option(help: "The local (source) address.")
    var local: IPAddress

    @Option(help: "The remote (destination) address.")
    var remote: IPAddress

    @Option(help: "The remote (server) port.")
    var remotePort: UInt16 = 5201

    @Option(help: "The local bond's MAC (layer2, layer2+3, vlan+srcmac use it).")
    var localMAC: MACAddress?

    @Option(help: "The next hop's MAC (layer2 and layer2+3 use it).")
    var remoteMAC: MACAddress?

    @Option(
      name: .customShort("P"), help: "Number of streams (\(TestBounds.streams.helpText)).")
    var parallel: Int = 1

    @Option(
      help: "Source ports to choose from, A-B (default: outside the kernel's ephemeral range).")
    var portRange: PortRange?

    @Option(help: "Also pin the reply direction on the peer's bond with this many slaves.")
    var peerSlaves: Int?

    @Option(help: "Also list this many further ports per stream's slave (for busy ports).")
    var alternatives: Int = 0

    @Option(help: "Model this kernel's hash variant (X.Y); default: the running kernel.")
    var kernel: KernelVersion?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
      guard (1...1024).contains(slaves) else {
        throw ValidationError("--slaves must be 1 or more (the usable slave count), got \(slaves).")
      }
      if let peerSlaves, !(1...1024).contains(peerSlaves) {
        throw ValidationError("--peer-slaves must be 1 or more, got \(peerSlaves).")
      }
      guard TestBounds.streams.contains(parallel) else {
        throw ValidationError(
          "-P must be between \(TestBounds.streams.errorText), got \(parallel).")
      }
      guard local.isIPv4 == remote.isIPv4 else {
        throw ValidationError("--local and --remote must both be IPv4 or both IPv6.")
      }
      guard (0...64).contains(alternatives) else {
        throw ValidationError("--alternatives must be between 0 and 64, got \(alternatives).")
      }
      if let portRange, portRange.count < parallel {
        throw ValidationError(
          "--port-range \(portRange) holds \(portRange.count) ports, fewer than the \(parallel) streams."
        )
      }
    }

    func run() throws {
      let kernel = try KernelOption.resolve(kernel)
      let model = BondHashModel(mode: mode, policy: policy, kernel: kernel)
      let template = FlowKey(
        sourceMAC: localMAC ?? .zero, destinationMAC: remoteMAC ?? .zero,
        source: local, destination: remote, ipProtocol: .tcp, destinationPort: remotePort)
      let range = portRange ?? PortRange.defaultPlanningRange(avoiding: EphemeralPorts.current())
      let planner = PortPlanner(
        template: template, model: model, slaveCount: slaves,
        peer: peerSlaves.map { PortPlanner.Peer(model: model, slaveCount: $0) }, range: range)
      let plan: PortPlanner.Plan
      do {
        plan = try planner.plan(streams: parallel)
      } catch {
        throw ValidationErrorText("bondperf plan: \(error)")
      }
      let report = PlanReport(planner: planner, plan: plan, alternatives: alternatives)
      if json {
        StandardStreams.writeOutput(try ScriptJSON.encode(report) + "\n")
      } else {
        StandardStreams.writeOutput(PlanTable.render(report))
      }
    }
  }
}
