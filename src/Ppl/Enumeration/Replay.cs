namespace Ppl;

/// <summary>
/// The replay interpreter: re-runs a generative function with given choice values, drawing fresh values
/// where none are given, optionally forcing one value at one address. Given values the run never reaches
/// (because the forced value sends it down another branch) are set aside and reported, not an error.
/// MH, enumeration-style estimators and measure-valued derivatives are built on it.
/// </summary>
public static class Replay
{
    /// <summary>Runs <paramref name="function"/> replaying <paramref name="given"/>.</summary>
    /// <param name="function">The generative function.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="given">Values to reuse where the run visits their addresses.</param>
    /// <param name="rng">Source of fresh draws.</param>
    /// <param name="forcedAddress">An address whose value is forced (it must be visited).</param>
    /// <param name="forcedValue">The forced value.</param>
    public static ReplayResult<TArgs, TRet> Run<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> function, TArgs args, ChoiceMap given, Rng rng,
        Address? forcedAddress = null, object? forcedValue = null)
    {
        ArgumentNullException.ThrowIfNull(given);
        var constraints = given;
        if (forcedAddress is { } fa)
            constraints = constraints.Without(fa).Set(fa, forcedValue ?? throw new ArgumentNullException(nameof(forcedValue)));
        var unused = ChoiceMap.Empty;
        var start = rng.Clone();
        var attempt = rng;
        while (true)
        {
            try
            {
                var (trace, weight) = function.Generate(args, constraints, attempt);
                return new ReplayResult<TArgs, TRet>(trace, weight, unused);
            }
            catch (UnvisitedConstraintsException e)
            {
                // The same draws lead down the same path, so retrying from the saved state without the
                // unreached values reproduces the run exactly.
                var removedAny = false;
                foreach (var a in e.Unvisited)
                {
                    if (forcedAddress is { } f && a == f)
                        throw new ModelException($"Replay of '{function.Name}' forced a value at '{a}', but the run never visits that address.", a, e);
                    if (constraints.TryGetValue(a, out var v))
                    {
                        unused = unused.Set(a, v!);
                        removedAny = true;
                    }
                    constraints = constraints.Without(a);
                }
                if (!removedAny)
                    throw new ModelException($"Replay of '{function.Name}' could not set aside the unreached values it was told about: {e.Message}", null, e);
                attempt = start.Clone();
            }
        }
    }
}

/// <summary>The result of a replay.</summary>
/// <param name="Trace">The new trace.</param>
/// <param name="Weight">Generate's weight: the log density of the replayed choices plus observations and factors.</param>
/// <param name="Unused">Given values the run never reached.</param>
public readonly record struct ReplayResult<TArgs, TRet>(ITrace<TArgs, TRet> Trace, double Weight, ChoiceMap Unused);
