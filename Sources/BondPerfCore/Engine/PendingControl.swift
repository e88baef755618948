/// A control connection accepted while no test runs, waiting for its cookie.
///
/// The server waits for all of them at once, so a silent or slow client
/// delays nobody: the first to send a whole cookie gets the test.
struct PendingControl {
  let control: ControlConnection
  let deadline: MessageDeadline
  /// Its conversation, which reads the cookie.
  var conversation = ServerConversation()

  /// The instant after which this connection is dropped.
  var expiry: ContinuousClock.Instant { deadline.current(started: control.hasBufferedBytes) }

  /// Why it is dropped at `expiry`, for the log line.
  var expiryReason: String {
    control.hasBufferedBytes
      ? "sent part of a cookie and then nothing"
      : "sent nothing"
  }
}
