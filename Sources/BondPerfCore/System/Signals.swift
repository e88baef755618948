import Dispatch
import Glibc

/// Turns SIGINT, SIGTERM and SIGHUP into a Dispatch handler (the default action is disabled).
public enum Signals {
  /// Calls `handler` on a private queue for each terminating signal; keep the
  /// returned sources alive as long as the handler should run.
  ///
  /// The corresponding C function is `signal`.
  public static func onTermination(_ handler: @escaping @Sendable (Int32) -> Void)
    -> [any DispatchSourceSignal]
  {
    let queue = DispatchQueue(label: "bondperf.signals")
    return [SIGINT, SIGTERM, SIGHUP].map { number in
      _ = signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { handler(number) }
      source.resume()
      return source
    }
  }

  /// Ignores `SIGPIPE` for the whole process, so a vanished peer (`sendfile(2)`
  /// has no `MSG_NOSIGNAL`) or a closed output pipe is an `EPIPE` error, never
  /// the end of the process.
  ///
  /// The corresponding C function is `signal`.
  public static func ignoreBrokenPipe() {
    _ = signal(SIGPIPE, SIG_IGN)
  }
}
