using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Modeling;

/// <summary>
/// The effects of a generated model body, as a struct constraint: generated bodies are generic methods
/// <c>Body&lt;TH&gt;(ref TH h, …) where TH : struct, IModelHandler</c>, so the JIT compiles one copy per
/// operation's handler with every call below devirtualised and inlinable. Distributions are passed by
/// value as their own struct type <c>TD</c>, so no site boxes or allocates. Static sites are named by their
/// slot, an integer constant in the generated code: no address is built or hashed on the hot path.
/// </summary>
public interface IModelHandler
{
    /// <summary>A random choice at the static address in slot <paramref name="slot"/>.</summary>
    T Sample<TD, T>(int slot, TD distribution) where TD : IDistribution<T>;

    /// <summary>A random choice at an address computed at run time (e.g. <c>y/i</c> in a loop).</summary>
    T SampleAt<TD, T>(Address address, TD distribution) where TD : IDistribution<T>;

    /// <summary>An observation at the static address in slot <paramref name="slot"/>.</summary>
    void Observe<TD, T>(int slot, TD distribution, T value) where TD : IDistribution<T>;

    /// <summary>An observation at an address computed at run time.</summary>
    void ObserveAt<TD, T>(Address address, TD distribution, T value) where TD : IDistribution<T>;

    /// <summary>
    /// A random choice at <paramref name="name"/>/<paramref name="index"/>, proven to be the only visit of that address in a
    /// run as for <see cref="ObserveOnce{TD, T}"/>.
    /// </summary>
    T SampleOnce<TD, T>(int family, string name, int index, TD distribution) where TD : IDistribution<T>;

    /// <summary>
    /// An observation at <paramref name="name"/>/<paramref name="index"/> that the generator proved to be the only visit
    /// of that address in a run (the site is the only one under <paramref name="name"/>, and <paramref name="index"/> is the
    /// variable of a <c>for</c> loop that runs once per run and never writes it elsewhere); <paramref name="family"/>
    /// numbers such families (0–63). Handlers may then skip building the address and recording the visit.
    /// </summary>
    void ObserveOnce<TD, T>(int family, string name, int index, TD distribution, T value) where TD : IDistribution<T>;

    /// <summary>Adds a log weight to the score.</summary>
    void Factor(double logWeight);

    /// <summary>A call to a generative function at the static address in slot <paramref name="slot"/>.</summary>
    TRet Call<TArgs, TRet>(int slot, IGenerativeFunction<TArgs, TRet> function, TArgs args);

    /// <summary>A call at an address computed at run time.</summary>
    TRet CallAt<TArgs, TRet>(Address address, IGenerativeFunction<TArgs, TRet> function, TArgs args);

    /// <summary>A trainable parameter.</summary>
    Tensor Param(string name, Func<Tensor> init);
}

/// <summary>
/// The body of a generated model, as a static abstract member so that the generic runtime
/// (<see cref="GeneratedFunction{TArgs, TRet, TBody}"/>) calls it without a virtual call.
/// </summary>
public interface IModelBody<TArgs, TRet>
{
    /// <summary>Runs the model's body against a handler.</summary>
    static abstract TRet Run<TH>(ref TH handler, TArgs args) where TH : struct, IModelHandler;
}
