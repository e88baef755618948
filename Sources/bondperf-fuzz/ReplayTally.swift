#if !FUZZING
  import BondPerfCore

  /// Counts of how replayed inputs ended, for ``CorpusReplayer``'s summary line.
  struct ReplayTally {
    var inputs = 0
    var complete = 0
    var truncated = 0
    var rejected = 0
    var violations = 0
    var unreadable: [String] = []

    mutating func add(_ outcome: ControlStreamOutcome, problems: [String]) {
      inputs += 1
      if !problems.isEmpty { violations += 1 }
      switch outcome.failure {
      case nil: complete += 1
      case .truncated: truncated += 1
      case .rejected: rejected += 1
      }
    }

    var summary: String {
      var line =
        "replayed \(inputs) inputs: \(complete) complete, \(rejected) rejected, "
        + "\(truncated) truncated; \(violations) broke an invariant"
      if !unreadable.isEmpty { line += "; unreadable: \(unreadable.joined(separator: ", "))" }
      return line
    }
  }
#endif
