using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Modeling;

/// <summary>
/// The handler of a resumable execution's body (<see cref="ResumableExecution"/>): draws every choice from
/// its prior, records it in the execution, and sums the observations' and factors' log densities since the
/// last pause (the SMC weight increment). A Sample at an address given in the execution's observations is an
/// Observe of the given value instead, as the replay form (<c>PausingTracer</c>) treats it, and asks for a pause,
/// which the generated code takes right after the Sample's statement (<see cref="PauseAfterSample"/>).
/// The checks and messages are those of the other handlers.
/// </summary>
public struct ResumableHandler : IModelHandler
{
    private readonly ResumableExecution _execution;
    private readonly Rng _rng;

    internal ResumableHandler(ResumableExecution execution, Rng rng)
    {
        _execution = execution;
        _rng = rng;
        Increment = 0;
        _observed = false;
    }

    private bool _observed;

    /// <summary>The log weight added since the body was resumed.</summary>
    public double Increment { get; private set; }

    private readonly string Name => _execution.Metadata.Name;

    /// <inheritdoc />
    public T Sample<TD, T>(int slot, TD distribution) where TD : IDistribution<T> =>
        SampleAt<TD, T>(_execution.Metadata.AddressOf(slot), distribution);

    /// <inheritdoc />
    public T SampleAt<TD, T>(Address address, TD distribution) where TD : IDistribution<T>
    {
        Check(address, distribution);
        if (_execution.Observations is { } observations && observations.TryGetValue(address, out var given))
            return ObservedSample<TD, T>(address, distribution, given);
        var value = distribution.Sample(_rng);
        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity)) throw NaNChoice(address, distribution, value);
        _execution.Record(address, value, logDensity);
        return value;
    }

    /// <summary>
    /// <see cref="SampleAt{TD, T}(Address, TD)"/> at the address first/second, passed as its segments (generated code
    /// for two-segment addresses): the address is built only if the choice map is asked for or an error names it.
    /// </summary>
    /// <param name="first">The address's first segment.</param>
    /// <param name="second">Its second segment.</param>
    /// <param name="distribution">The prior the choice is drawn from.</param>
    public T SampleAt<TD, T>(AddressSegment first, AddressSegment second, TD distribution) where TD : IDistribution<T>
    {
        if (!typeof(TD).IsValueType && distribution is null) throw new ArgumentNullException(nameof(distribution));
        if (distribution.ParameterError is { } problem)
            throw new DistributionParameterException(distribution.Family, problem, new Address(first, second));
        // With observations given, looked up segment by segment (ChoiceMap.TryGetValue's walk, without building the
        // address): the address is built only for an observed site.
        if (_execution.Observations is { } observations)
        {
            var node = observations.GetSubmap(first);
            if (!node.IsEmpty && (node = node.GetSubmap(second)).HasValue)
                return ObservedSample<TD, T>(new Address(first, second), distribution, node.Value);
        }
        var value = distribution.Sample(_rng);
        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity)) throw NaNChoice(new Address(first, second), distribution, value);
        _execution.Record(first, second, value, logDensity);
        return value;
    }

    /// <inheritdoc />
    public T SampleOnce<TD, T>(int family, string name, int index, TD distribution) where TD : IDistribution<T> =>
        SampleAt<TD, T>(new Address(name, index), distribution);

    /// <inheritdoc />
    public void Observe<TD, T>(int slot, TD distribution, T value) where TD : IDistribution<T> =>
        ObserveAt(_execution.Metadata.AddressOf(slot), distribution, value);

    /// <inheritdoc />
    public void ObserveOnce<TD, T>(int family, string name, int index, TD distribution, T value) where TD : IDistribution<T> =>
        ObserveAt(new Address(name, index), distribution, value);

    /// <summary>
    /// <see cref="ObserveAt{TD, T}(Address, TD, T)"/> at the address first/second, passed as its segments (generated code
    /// for two-segment addresses): an observation is not recorded, so the address is built only if an error names it.
    /// </summary>
    /// <param name="first">The address's first segment.</param>
    /// <param name="second">Its second segment.</param>
    /// <param name="distribution">The observation's distribution.</param>
    /// <param name="value">The observed value.</param>
    public void ObserveAt<TD, T>(AddressSegment first, AddressSegment second, TD distribution, T value) where TD : IDistribution<T>
    {
        if (!typeof(TD).IsValueType && distribution is null) throw new ArgumentNullException(nameof(distribution));
        if (distribution.ParameterError is not null || value is double d && double.IsNaN(d))
        {
            // The rare path: the checks of the address form, with their messages.
            ObserveAt(new Address(first, second), distribution, value);
            return;
        }
        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity))
            throw new ModelException(
                $"The log density of the observation at '{new Address(first, second)}' is NaN (value {ValueConversion.Describe(value)} under {distribution.Family}).",
                new Address(first, second));
        Increment += logDensity;
        _execution.Scored(logDensity);
    }

    /// <inheritdoc />
    public void ObserveAt<TD, T>(Address address, TD distribution, T value) where TD : IDistribution<T> => Observed(address, distribution, value);

    /// <summary>An observation at <paramref name="address"/>: checked, scored, added to the increment; returns its log density.</summary>
    private double Observed<TD, T>(Address address, TD distribution, T value) where TD : IDistribution<T>
    {
        Check(address, distribution);
        if (value is double d && double.IsNaN(d)) throw new ModelException($"The observation at '{address}' is NaN.", address);
        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity))
            throw new ModelException(
                $"The log density of the observation at '{address}' is NaN (value {ValueConversion.Describe(value)} under {distribution.Family}).", address);
        Increment += logDensity;
        _execution.Scored(logDensity);
        return logDensity;
    }

    /// <summary>
    /// True when the Sample just run was at an observed address (it was scored as an observation), which makes it a
    /// pause: generated code asks right after each Sample statement and, when true, stops there. Reading clears it.
    /// </summary>
    /// <returns>Whether the execution must pause here.</returns>
    public bool PauseAfterSample()
    {
        var observed = _observed;
        _observed = false;
        return observed;
    }

    /// <summary>
    /// A Sample at an observed address, as <c>PausingTracer</c> treats it: an Observe of the given value (scored, the
    /// weight increment, not a choice), then a pause.
    /// </summary>
    private T ObservedSample<TD, T>(Address address, TD distribution, object? given) where TD : IDistribution<T>
    {
        var value = ValueConversion.To<T>(given!, address);
        var logDensity = Observed(address, distribution, value);
        // Observed scored it (a pause point); remember it as a visited observation too.
        _execution.ObservedSampleVisited(address, logDensity);
        _observed = true;
        return value;
    }

    /// <inheritdoc />
    public void Factor(double logWeight)
    {
        if (double.IsNaN(logWeight) || double.IsPositiveInfinity(logWeight))
            throw new ModelException($"Model '{Name}' added a factor of {logWeight}; factors must be finite or −∞.");
        Increment += logWeight;
        _execution.Scored(logWeight);
    }

    /// <summary>Not used: models with calls are not lowered to the resumable form (they run by replay).</summary>
    public readonly TRet Call<TArgs, TRet>(int slot, IGenerativeFunction<TArgs, TRet> function, TArgs args) => throw NotLowered("Call");

    /// <summary>Not used: models with calls are not lowered to the resumable form (they run by replay).</summary>
    public readonly TRet CallAt<TArgs, TRet>(Address address, IGenerativeFunction<TArgs, TRet> function, TArgs args) => throw NotLowered("Call");

    /// <summary>Not used: models with parameters run through the dynamic tracer.</summary>
    public readonly Tensor Param(string name, Func<Tensor> init) => throw NotLowered("Param");

    private readonly NotSupportedException NotLowered(string effect) =>
        new($"{effect} in the resumable form of model '{Name}': the generator does not lower such models (they run by replay); this is a bug.");

    private static ModelException NaNChoice<TD, T>(Address address, TD distribution, T value) where TD : IDistribution =>
        new($"The log density of the choice at '{address}' is NaN (value {ValueConversion.Describe(value)} under {distribution.Family}).", address);

    private static void Check<TD>(Address address, TD distribution) where TD : IDistribution
    {
        if (!typeof(TD).IsValueType && distribution is null) throw new ArgumentNullException(nameof(distribution));
        if (distribution.ParameterError is { } problem)
            throw new DistributionParameterException(distribution.Family, problem, address);
    }
}
