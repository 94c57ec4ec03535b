using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// The effects a dynamic model may perform. A dynamic model is a C# method
/// <c>TRet Body(ITracer t, TArgs args)</c>; what each effect means depends on the operation being
/// run (simulate, generate, assess, update, regenerate, enumerate…), which is decided by the handler
/// behind this interface. Nothing else in a model is special: loops, branches, recursion and helper
/// calls are ordinary C#.
/// </summary>
public interface ITracer
{
    /// <summary>A random choice at <paramref name="address"/>; each address may be used once per run.</summary>
    T Sample<T>(Address address, IDistribution<T> distribution);

    /// <summary>
    /// Observes <paramref name="value"/> under <paramref name="distribution"/>: adds its log density to the
    /// score. The address names the observation in traces and error messages; it is not a random choice.
    /// </summary>
    void Observe<T>(Address address, IDistribution<T> distribution, T value);

    /// <summary>Adds <paramref name="logWeight"/> to the score (−∞ rules the run out).</summary>
    void Factor(double logWeight);

    /// <summary>Calls another generative function; its choices live under <paramref name="address"/>.</summary>
    TRet Call<TArgs, TRet>(Address address, IGenerativeFunction<TArgs, TRet> function, TArgs args);

    /// <summary>A trainable parameter of this model, created by <paramref name="init"/> on first use.</summary>
    Tensor Param(string name, Func<Tensor> init);
}
