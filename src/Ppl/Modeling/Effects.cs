using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Modeling;

/// <summary>
/// The effects a <see cref="ModelAttribute">[Model]</see> method may perform, for
/// <c>using static Ppl.Modeling.Effects;</c>. They are markers: the source generator replaces every call
/// with a call on the operation's handler, so these bodies run only when a model method is called
/// directly as a plain C# method, which is a mistake (use the generated <c>…Model</c> property).
/// <para>
/// Addresses: <c>var slope = Sample(Normal(0, 1));</c> is traced at <c>"slope"</c>, the name of the
/// assigned local; elsewhere give an address (<c>Sample(d, "y", i)</c> is <c>y/i</c>).
/// </para>
/// </summary>
public static class Effects
{
    private static InvalidOperationException Outside(string effect) => new(
        $"{effect} was called outside a generated model. [Model] methods are rewritten by the Ppl source generator; " +
        "call the generated generative function (e.g. MyModels.LineModel.Simulate(args, rng)), not the method itself.");

    /// <summary>A random choice, traced at the name of the local it is assigned to.</summary>
    public static T Sample<T>(IDistribution<T> distribution) => throw Outside(nameof(Sample));

    /// <summary>A random choice at <paramref name="address"/>.</summary>
    public static T Sample<T>(IDistribution<T> distribution, Address address) => throw Outside(nameof(Sample));

    /// <summary>A random choice at <c>first/second</c> (e.g. <c>"y", i</c> in a loop).</summary>
    public static T Sample<T>(IDistribution<T> distribution, AddressSegment first, AddressSegment second) => throw Outside(nameof(Sample));

    /// <summary>A random choice at <c>first/second/third</c>.</summary>
    public static T Sample<T>(IDistribution<T> distribution, AddressSegment first, AddressSegment second, AddressSegment third) =>
        throw Outside(nameof(Sample));

    /// <summary>Observes <paramref name="value"/> under <paramref name="distribution"/> at <paramref name="address"/>.</summary>
    public static void Observe<T>(IDistribution<T> distribution, T value, Address address) => throw Outside(nameof(Observe));

    /// <summary>Observes <paramref name="value"/> at <c>first/second</c>.</summary>
    public static void Observe<T>(IDistribution<T> distribution, T value, AddressSegment first, AddressSegment second) =>
        throw Outside(nameof(Observe));

    /// <summary>Adds <paramref name="logWeight"/> to the score.</summary>
    public static void Factor(double logWeight) => throw Outside(nameof(Factor));

    /// <summary>
    /// Calls any generative function (a dynamic model, a combinator…), traced at the name of the local it is
    /// assigned to. Other [Model] methods can simply be called by name.
    /// </summary>
    public static TRet Call<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> function, TArgs args) => throw Outside(nameof(Call));

    /// <summary>Calls a generative function at <paramref name="address"/>.</summary>
    public static TRet Call<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> function, TArgs args, Address address) => throw Outside(nameof(Call));

    /// <summary>Calls a generative function at <c>first/second</c>.</summary>
    public static TRet Call<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> function, TArgs args, AddressSegment first, AddressSegment second) =>
        throw Outside(nameof(Call));

    /// <summary>
    /// A deterministic quantity worth reporting (Stan's transformed parameters and generated quantities, NumPyro's
    /// <c>deterministic</c>), named <paramref name="address"/>: returns <paramref name="value"/> unchanged. The model's
    /// differentiable form records it, so gradient-based MCMC on the model reports it with every draw under its address
    /// (e.g. eight schools' <c>theta/j = mu + tau · eta/j</c>). Traces do not record it: it is not a random choice.
    /// </summary>
    public static T Deterministic<T>(T value, Address address) => value;

    /// <summary>A deterministic quantity at <c>first/second</c> (e.g. <c>"theta", j</c> in a loop); returns <paramref name="value"/>.</summary>
    public static T Deterministic<T>(T value, AddressSegment first, AddressSegment second) => value;

    /// <summary>A trainable parameter (models that use it run through the dynamic tracer).</summary>
    public static Tensor Param(string name, Func<Tensor> init) => throw Outside(nameof(Param));
}
