import Glibc

extension Duration {
  /// The `timeout` argument of `poll(2)`: whole milliseconds, rounded up so
  /// a wait of less than a millisecond doesn't become a busy 0; negative
  /// durations are 0.
  var pollMilliseconds: CInt {
    let (seconds, attoseconds) = max(self, .zero).components
    return CInt(
      clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
  }
}
