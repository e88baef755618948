import Testing

/// `--calibrate` learns the switch with TCP probes; with `-u` it is refused in one line
/// before anything connects, since a switch that hashes the protocol places UDP elsewhere.
struct UDPCalibrateRefusalTests {
  @Test(.timeLimit(.minutes(1)))
  func udpCalibrateIsOneLineError() async throws {
    let run = try await DropIn.run(
      try E2EBinaries.bondperf(), ["-c", "127.0.0.1", "-p", "9", "-u", "-t", "1", "--calibrate"])
    #expect(run.status != 0)
    let lines = run.errorOutput.split(separator: "\n")
    #expect(lines.count == 1, "\(run.errorOutput)")
    #expect(
      run.errorOutput.contains("--calibrate probes the switch with TCP"), "\(run.errorOutput)")
    #expect(!run.errorOutput.contains("Connection refused"), "refused before connecting")
  }
}
