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

  /// Ignores `SIGPIPE`, so a write to a closed connection fails with `EPIPE` instead of
  /// ending the process. Needed for `sendfile(2)`, which has no `MSG_NOSIGNAL`.
  ///
  /// The corresponding C function is `signal`.
  public static func ignoreBrokenPipe() {
    _ = signal(SIGPIPE, SIG_IGN)
  }
}
