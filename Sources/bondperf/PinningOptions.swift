import ArgumentParser
import BondPerfCore

/// The bond flags only a client takes: how its streams are pinned and the hash
/// predicted. A server refuses them (``MisplacedClientFlags``).
struct PinningOptions: ParsableArguments {
  @Option(help: "Slaves of the server's bond, to pin the reply direction too.")
  var peerSlaves: Int?

  @Flag(help: "Leave source ports to the kernel (for comparison); slaves are still predicted.")
  var noPin = false

  @Option(
    help: "Source ports to plan from, A-B (default: outside the kernel's ephemeral range).")
  var portRange: PortRange?

  @Option(help: "Model this kernel's hash variant (X.Y); default: the running kernel.")
  var kernel: KernelVersion?

  @Option(help: "The local bond's MAC (layer2, layer2+3, vlan+srcmac hash it).")
  var localMAC: MACAddress?

  @Option(help: "The next hop's MAC (layer2 and layer2+3 hash it).")
  var remoteMAC: MACAddress?

  @Option(
    help: """
      Rate of one slave for the links' ceiling (100M, 10G, or tc's 100mbit, 1gbit); \
      default: a root tbf/htb qdisc's rate, else a physical NIC's speed.
      """)
  var slaveRate: String?

  @Flag(
    help: """
      Before the test, probe a bondperf server to find source ports that also spread the \
      streams over the server's slaves after a switch (see README, Switches).
      """)
  var calibrate = false
  @Option(help: "Seconds calibration may take at most (default 3).")
  var calibrateBudget: Double = 3
  /// `--slave-rate` in bit/s.
  var slaveRateBits: Int64? { slaveRate.flatMap(RateText.parse) }

  /// Refuses a `--slave-rate` that is not a rate.
  func validate() throws {
    if !(calibrateBudget > 0 && calibrateBudget <= 60) {
      throw ValidationError(
        "--calibrate-budget must be more than 0 and at most 60 seconds, got \(calibrateBudget).")
    }
    if let slaveRate, RateText.parse(slaveRate) == nil {
      throw ValidationError(
        "--slave-rate '\(slaveRate)' is not a rate; use e.g. 100M, 10G, 100mbit or 1gbit.")
    }
  }
}
