/// Properties every ``ControlStreamDecoder`` outcome must have, whatever the
/// input; the fuzz target traps on a violation and the tests expect none.
package enum ControlStreamInvariants {
  /// Decodes a fuzz input and returns the broken invariants, one line each.
  package static func violations(fuzzInput: [UInt8]) -> [String] {
    let decoder = ControlStreamDecoder(fuzzInput: fuzzInput)
    let stream = Array(fuzzInput.dropFirst(ControlStreamDecoder.fuzzHeaderLength))
    return violations(decoder: decoder, stream: stream, outcome: decoder.decode(stream))
  }

  /// The broken invariants of `outcome`, which `decoder` produced from `stream`.
  package static func violations(
    decoder: ControlStreamDecoder, stream: [UInt8], outcome: ControlStreamOutcome
  ) -> [String] {
    var problems: [String] = []
    let counts = [outcome.consumedByteCount, outcome.unconsumedByteCount, outcome.ignoredByteCount]
    if counts.contains(where: { $0 < 0 }) || counts.reduce(0, +) != stream.count {
      problems.append("byte counts \(counts) don't add up to \(stream.count)")
    }
    if outcome.failure == nil && !outcome.state.isFinal {
      problems.append("stopped in \(outcome.state) without a failure")
    }
    if case .rejected(.malformed(_, .invalidFrameLength(let length, let maximum))) = outcome.failure
    {
      let start = outcome.consumedByteCount
      let header = stream.dropFirst(start).prefix(Framing.headerLength)
      if Framing.length(fromHeader: header) != length || (length > 0 && length <= maximum) {
        problems.append("rejected frame length \(length) isn't the unconsumed header at \(start)")
      }
    }
    if let parameters = outcome.parameters {
      if !TestBounds.streams.contains(parameters.parallel) {
        problems.append("accepted parallel \(parameters.parallel)")
      }
      if let again = try? TestParameters(json: parameters.json) {
        if again.json.compactBytes != parameters.json.compactBytes {
          problems.append("parameters don't re-decode to the same JSON")
        }
      } else {
        problems.append("encoded parameters don't decode")
      }
    }
    if let results = outcome.peerResults {
      if (try? TestResults(json: results.json)) != results {
        problems.append("results don't re-decode to the same value")
      }
      problems += printerProblems(results.json)
    }
    var whole = decoder
    whole.maximumChunkLength = 0
    if decoder.maximumChunkLength != 0 && whole.decode(stream) != outcome {
      problems.append("the outcome depends on how the input was split into reads")
    }
    return problems
  }

  /// The compact printer must be stable: printing what it printed, parsed
  /// back, gives the same text.
  private static func printerProblems(_ value: JSONValue) -> [String] {
    let text = value.compactBytes
    guard let parsed = try? JSONValue.parse(text) else {
      return ["compact text doesn't parse: \(value.compactText.prefix(200))"]
    }
    guard parsed.compactBytes == text else {
      return ["compact text isn't stable: \(value.compactText.prefix(200))"]
    }
    return []
  }
}
