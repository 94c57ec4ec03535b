namespace Ppl.Inference.Tests;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the caller's thread, at once (<see cref="Progress{T}"/> posts to a
/// synchronisation context, so a test could read its counts before they arrive).
/// </summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
