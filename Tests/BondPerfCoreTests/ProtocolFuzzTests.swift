import Foundation
import Testing

@testable import BondPerfCore

/// The fuzz target's corpus and invariants, replayed deterministically: the
/// committed seeds, 20,000 seeded mutations of them, and specific properties of
/// ``ControlStreamDecoder``. `scripts/fuzz` runs the same checks under libFuzzer.
struct ProtocolFuzzTests {
  /// `Tests/Fuzz/corpus/`, name and bytes, sorted by name.
  static let corpus: [(name: String, bytes: [UInt8])] = {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.sorted().compactMap { name in
      guard
        let data = FileManager.default.contents(
          atPath: directory.appendingPathComponent(name).path)
      else { return nil }
      return (name, Array(data))
    }
  }()

  static func seed(_ name: String) throws -> [UInt8] {
    try #require(corpus.first(where: { $0.name == name })).bytes
  }

  static let cookie = Array("i7b3gini74ei3vpyw45bqnc5rn4z6eauu2vo".utf8) + [0]

  @Test func corpusReplaysWithoutBreakingAnInvariant() {
    #expect(ProtocolFuzzTests.corpus.count >= 50)
    for (name, bytes) in ProtocolFuzzTests.corpus {
      let problems = ControlStreamInvariants.violations(fuzzInput: bytes)
      #expect(problems.isEmpty, "\(name): \(problems)")
    }
  }

  @Test func everyCapturedConversationCompletesOnBothSides() {
    let captures = ProtocolFuzzTests.corpus.filter { $0.name.hasPrefix("capture-") }
    #expect(captures.count == 16)
    for (name, bytes) in captures {
      let outcome = ControlStreamDecoder.decode(fuzzInput: bytes)
      #expect(outcome.isComplete && outcome.state == .done, "\(name): \(outcome)")
      #expect(outcome.peerResults?.streams.isEmpty == false, "\(name)")
    }
  }

  @Test(arguments: [0, 1, 2, 3, 7, 16, 255])
  func capturedClientBytesDecodeToTheCapturedParameters(chunk: Int) throws {
    let stream = try ProtocolFuzzTests.seed("capture-3.12-normal-server").dropFirst(2)
    let decoder = ControlStreamDecoder(role: .server, maximumChunkLength: chunk, chunkSeed: 5)
    let outcome = decoder.decode(stream)
    #expect(ControlStreamDecoder.decode(fuzzInput: decoder.fuzzHeader + stream) == outcome)
    #expect(outcome.failure == nil)
    #expect(outcome.state == .done)
    #expect(outcome.cookie == Cookie(text: "i7b3gini74ei3vpyw45bqnc5rn4z6eauu2vo"))
    let parameters = try #require(outcome.parameters)
    #expect(parameters.parallel == 2)
    #expect(parameters.time == 1)
    #expect(parameters.length == 131_072)
    #expect(parameters.mode == .normal)
    #expect(parameters.clientVersion == "3.12")
    #expect(outcome.peerResults?.streams.map(\.id) == [1, 3])
    #expect(outcome.messages == [.testEnd, .iperfDone])
    #expect(outcome.consumedByteCount == stream.count)
  }

  @Test(arguments: [8193, 50_000_000, 0xFFFF_FFFF, 0] as [UInt32])
  func oversizedParameterFrameIsRejectedWithoutConsumingIt(length: UInt32) {
    let header: [UInt8] = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) }
    let stream = ProtocolFuzzTests.cookie + header + Array("{\"tcp\":true}".utf8)
    for chunk in [0, 1, 3, 40] {
      let outcome = ControlStreamDecoder(role: .server, maximumChunkLength: chunk).decode(stream)
      #expect(
        outcome.failure
          == .rejected(
            .malformed(
              .parameters, .invalidFrameLength(length, maximum: Framing.maximumParameterLength))))
      #expect(outcome.consumedByteCount == Cookie.wireLength)
      #expect(outcome.unconsumedByteCount == stream.count - Cookie.wireLength)
      #expect(outcome.parameters == nil)
    }
  }

  @Test func serverErrorCarriesItsTwoCodes() {
    let stream: [UInt8] = [0x09, 0xfe, 0, 0, 0, 0x72, 0, 0, 0, 0, 0x0a]
    let outcome = ControlStreamDecoder(role: .client, maximumChunkLength: 1).decode(stream)
    #expect(outcome.isComplete)
    #expect(outcome.state == .terminated(.serverError))
    #expect(outcome.serverError == .init(code: .receiveParameters, errno: 0))
    #expect(outcome.ignoredByteCount == 1)
    let cut = ControlStreamDecoder(role: .client).decode(stream.prefix(6))
    #expect(cut.failure == .truncated(waitingFor: .serverErrorCodes))
  }

  @Test func strayBytesAfterDisplayResultsAreIgnoredByTheClient() throws {
    let outcome = ControlStreamDecoder.decode(
      fuzzInput: try ProtocolFuzzTests.seed("capture-3.21-reverse-client"))
    #expect(outcome.state == .done)
    #expect(outcome.ignoredByteCount == 9)  // fe 00000000cd 00000000
  }

  @Test func udpParametersAreAcceptedAsTheServerDoes() throws {
    let outcome = ControlStreamDecoder.decode(
      fuzzInput: try ProtocolFuzzTests.seed("server-params-udp"))
    #expect(outcome.failure != .rejected(.unsupportedTransport(.udp)))
    #expect(outcome.state != .initial)
  }

  /// 20,000 mutated seeds; none may trap or break an invariant.
  @Test func seededMutationsOfTheCorpusKeepEveryInvariant() {
    var generator = SplitMix64(seed: 0x626f_6e64_7065_7266)
    let seeds = ProtocolFuzzTests.corpus.map(\.bytes)
    var broken: [String] = []
    for round in 0..<20_000 {
      let input = Mutator.mutate(seeds, using: &generator)
      let problems = ControlStreamInvariants.violations(fuzzInput: input)
      if !problems.isEmpty && broken.count < 5 {
        broken.append("round \(round), input \(input.prefix(64)): \(problems)")
      }
    }
    #expect(broken.isEmpty, "\(broken)")
  }
}

/// libFuzzer-style mutations of corpus inputs: bit flips, byte stores,
/// truncation, splices, length-prefix overwrites, insertions and header changes.
enum Mutator {
  static let interestingBytes: [UInt8] = [
    0x00, 0x01, 0x02, 0x04, 0x0d, 0x0e, 0x10, 0x7f, 0xfe, 0xff, 0x22, 0x5b,
  ]
  static let lengths: [UInt32] = [
    0, 1, 2, 8192, 8193, 16_777_216, 16_777_217, 0x8000_0000, 0xFFFF_FFFF,
  ]

  static func mutate(_ seeds: [[UInt8]], using generator: inout SplitMix64) -> [UInt8] {
    var bytes = seeds.randomElement(using: &generator) ?? []
    for _ in 0..<Int.random(in: 1...4, using: &generator) {
      mutateOnce(&bytes, seeds, using: &generator)
    }
    return bytes
  }

  private static func mutateOnce(
    _ bytes: inout [UInt8], _ seeds: [[UInt8]], using generator: inout SplitMix64
  ) {
    guard !bytes.isEmpty else {
      bytes = [UInt8.random(in: 0...255, using: &generator)]
      return
    }
    let at = Int.random(in: 0..<bytes.count, using: &generator)
    switch Int.random(in: 0..<8, using: &generator) {
    case 0: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
    case 1: bytes[at] = interestingBytes.randomElement(using: &generator) ?? 0
    case 2: bytes.removeSubrange(at..<bytes.count)
    case 3:
      let other = seeds.randomElement(using: &generator) ?? []
      let from = Int.random(in: 0...other.count, using: &generator)
      bytes = Array(bytes[..<at]) + other[from...]
    case 4:
      let length = lengths.randomElement(using: &generator) ?? 0
      let value = Bool.random(using: &generator) ? length : UInt32(bytes.count - at)
      for (offset, shift) in [24, 16, 8, 0].enumerated() where at + offset < bytes.count {
        bytes[at + offset] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
      }
    case 5:
      let count = Int.random(in: 1...8, using: &generator)
      bytes.insert(
        contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }, at: at)
    case 6:
      let end = min(bytes.count, at + Int.random(in: 1...64, using: &generator))
      bytes.insert(contentsOf: bytes[at..<end], at: at)
    default:
      bytes[0] = UInt8.random(in: 0...255, using: &generator)
      if bytes.count > 1 { bytes[1] = UInt8.random(in: 0...16, using: &generator) }
    }
  }
}
