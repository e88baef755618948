extension ClosedRange where Bound == Int {
  /// "1-128": the bounds as help text names them.
  var helpText: String { "\(lowerBound)-\(upperBound)" }
  /// "1 and 128": the bounds as an error's "must be between …" names them.
  var errorText: String { "\(lowerBound) and \(upperBound)" }
}
