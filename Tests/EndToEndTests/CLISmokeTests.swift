import ArgumentParser
import Testing

@testable import bondperf

struct CLISmokeTests {
  @Test func rootCommandHasAName() {
    #expect(Bondperf.configuration.commandName == "bondperf")
  }
}
