namespace Ppl;

/// <summary>
/// TorchSharp's native libraries (libtorch and TorchSharp's own libLibTorchSharp) could not be loaded in this process.
/// The message names the library that is missing or could not load, what the system's loader said, and the fix;
/// the inner exception is TorchSharp's own error. Raised by <see cref="TorchRuntime.EnsureLoaded"/>, which Ppl calls
/// before its first tensor operation. Not a <see cref="PplException"/>: it is about the machine, not a model.
/// </summary>
public sealed class TorchLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    /// <param name="missingLibrary">The library that is missing or could not be loaded, when known.</param>
    /// <param name="inner">TorchSharp's own error.</param>
    public TorchLoadException(string message, string? missingLibrary, Exception? inner) : base(message, inner)
    {
        MissingLibrary = missingLibrary;
    }

    /// <summary>
    /// The library that is missing or failed to load, e.g. <c>libstdc++.so.6 (GLIBCXX_3.4.32)</c> or <c>libtorch.so</c>;
    /// null when the cause could not be narrowed down.
    /// </summary>
    public string? MissingLibrary { get; }
}
