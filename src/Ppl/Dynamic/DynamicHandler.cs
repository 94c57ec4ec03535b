using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Dynamic;

/// <summary>What a <see cref="DynamicHandler{TArgs, TRet}"/> run is doing.</summary>
internal enum HandlerMode
{
    /// <summary>Simulate and Generate (simulate is generate with no constraints).</summary>
    Generate,
    /// <summary>Assess: every choice is given, nothing is recorded.</summary>
    Assess,
    /// <summary>Update: reuse the old trace's values, apply constraints, sample the rest.</summary>
    Update,
    /// <summary>Regenerate: resample the selected choices of the old trace.</summary>
    Regenerate,
}

/// <summary>
/// The interpreter behind every operation of a dynamic model: it receives the model's effects, decides
/// each choice's value according to the operation (constraint, old value, fresh draw), records the new
/// trace and accumulates the score and the pieces of the weight.
/// <para>
/// Weights are computed from three sums kept during the run — the new score, the log density of the
/// choices drawn from the prior ("fresh"), and the old log density of choices the move resampled or
/// dropped — using the identities documented on <see cref="IGenerativeFunction{TArgs, TRet}"/>:
/// generate: score − fresh; update: score − old score − fresh; regenerate: score − old score − fresh + dropped.
/// </para>
/// </summary>
internal sealed class DynamicHandler<TArgs, TRet> : ITracer
{
    private readonly DynamicModel<TArgs, TRet> _model;
    private readonly HandlerMode _mode;
    private readonly ChoiceMap _constraints;
    private readonly DynamicTrace<TArgs, TRet>? _old;
    private readonly Selection _selection;
    private readonly Rng? _rng;
    private readonly HashSet<Address> _visited = new();

    /// <summary>Constraint leaves used so far: when it equals the constraint count, all were visited.</summary>
    private int _consumed;

    public DynamicHandler(DynamicModel<TArgs, TRet> model, HandlerMode mode, ChoiceMap constraints,
        DynamicTrace<TArgs, TRet>? old, Selection selection, Rng? rng)
    {
        _model = model;
        _mode = mode;
        _constraints = constraints;
        _old = old;
        _selection = selection;
        _rng = rng;
    }

    public Dictionary<Address, ChoiceRecord> Choices { get; } = new();
    public Dictionary<Address, ChoiceRecord> Observations { get; } = new();
    public Dictionary<Address, ITrace> Calls { get; } = new();
    public ChoiceMap Discard { get; private set; } = ChoiceMap.Empty;

    /// <summary>log p(t; x) of the run so far.</summary>
    public double Score { get; private set; }

    /// <summary>Sum of factors of this run.</summary>
    public double Factors { get; private set; }

    /// <summary>Log density of the choices drawn from the internal proposal (the prior).</summary>
    public double FreshLogDensity { get; private set; }

    /// <summary>Old log density of the choices the move resampled or no longer visits (regenerate only).</summary>
    public double DroppedLogDensity { get; private set; }

    private bool Recording => _mode != HandlerMode.Assess;

    public T Sample<T>(Address address, IDistribution<T> distribution)
    {
        Visit(address);
        CheckParameters(address, distribution);
        T value;
        bool fresh;
        switch (_mode)
        {
            case HandlerMode.Generate:
                object? c = null;
                fresh = _constraints.IsEmpty || !_constraints.TryGetValue(address, out c);
                if (!fresh) _consumed++;
                value = fresh ? distribution.Sample(_rng!) : ValueConversion.To<T>(c!, address);
                break;
            case HandlerMode.Assess:
                if (!_constraints.TryGetValue(address, out var given))
                    throw new ModelException(
                        $"Assess on model '{_model.Name}' needs a value for the choice at '{address}', but the choices given have none.{AddressSuggestions.Hint(address, _constraints.Leaves.Select(l => l.Address))}",
                        address);
                value = ValueConversion.To<T>(given!, address);
                _consumed++;
                fresh = false;
                break;
            case HandlerMode.Update:
                if (_constraints.TryGetValue(address, out var constrained))
                {
                    value = ValueConversion.To<T>(constrained!, address);
                    _consumed++;
                    fresh = false;
                    if (_old!.ChoiceRecords.TryGetValue(address, out var overwritten))
                        Discard = Discard.Set(address, overwritten.Value);
                }
                else if (_old!.ChoiceRecords.TryGetValue(address, out var kept))
                {
                    value = ValueConversion.To<T>(kept.Value, address);
                    fresh = false;
                }
                else
                {
                    value = distribution.Sample(_rng!);
                    fresh = true;
                }
                break;
            default: // Regenerate
                if (_old!.ChoiceRecords.TryGetValue(address, out var previous) && !_selection.Contains(address))
                {
                    value = ValueConversion.To<T>(previous.Value, address);
                    fresh = false;
                }
                else
                {
                    value = distribution.Sample(_rng!);
                    fresh = true;
                }
                break;
        }

        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity))
            throw new ModelException(
                $"The log density of the choice at '{address}' is NaN (value {ValueConversion.Describe(value)} under {distribution.Family}).", address);
        Score += logDensity;
        if (fresh) FreshLogDensity += logDensity;
        if (Recording) Choices[address] = new ChoiceRecord(value!, logDensity, distribution);
        return value;
    }

    public void Observe<T>(Address address, IDistribution<T> distribution, T value)
    {
        Visit(address);
        CheckParameters(address, distribution);
        if (value is double d && double.IsNaN(d))
            throw new ModelException($"The observation at '{address}' is NaN.", address);
        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity))
            throw new ModelException(
                $"The log density of the observation at '{address}' is NaN (value {ValueConversion.Describe(value)} under {distribution.Family}).", address);
        Score += logDensity;
        if (Recording) Observations[address] = new ChoiceRecord(value!, logDensity, distribution);
    }

    public void Factor(double logWeight)
    {
        if (double.IsNaN(logWeight) || double.IsPositiveInfinity(logWeight))
            throw new ModelException($"Model '{_model.Name}' added a factor of {logWeight}; factors must be finite or −∞ (after {_visited.Count} visited address(es)).");
        Score += logWeight;
        Factors += logWeight;
    }

    public TSubRet Call<TSubArgs, TSubRet>(Address address, IGenerativeFunction<TSubArgs, TSubRet> function, TSubArgs args)
    {
        ArgumentNullException.ThrowIfNull(function);
        Visit(address);
        try
        {
            return CallCore(address, function, args);
        }
        catch (UnvisitedConstraintsException e)
        {
            // The callee reports addresses relative to itself; the caller (and Replay) need them in full.
            throw e.WithPrefix(address, _model.Name);
        }
    }

    private TSubRet CallCore<TSubArgs, TSubRet>(Address address, IGenerativeFunction<TSubArgs, TSubRet> function, TSubArgs args)
    {
        var sub = _constraints.GetSubmap(address);
        // A sub-call that returns has used all of its constraints (it checks them itself).
        if (!sub.IsEmpty) _consumed += sub.Count;
        switch (_mode)
        {
            case HandlerMode.Assess:
            {
                var (w, r) = function.Assess(args, sub);
                Score += w;
                return r;
            }
            case HandlerMode.Generate:
            {
                var (tr, w) = function.Generate(args, sub, _rng!);
                AddCall(address, tr, tr.Score, 0, w);
                return tr.Return;
            }
            case HandlerMode.Update:
            {
                if (_old!.CallRecords.TryGetValue(address, out var prev) && prev is ITrace<TSubArgs, TSubRet> prevTyped && ReferenceEquals(prev.Function, function))
                {
                    var (tr, w, discard) = function.Update(prevTyped, args, sub, _rng!);
                    if (!discard.IsEmpty) Discard = Discard.SetSubmap(address, discard);
                    AddCall(address, tr, tr.Score, prev.Score, w);
                    return tr.Return;
                }
                else
                {
                    var (tr, w) = function.Generate(args, sub, _rng!);
                    AddCall(address, tr, tr.Score, 0, w);
                    return tr.Return;
                }
            }
            default: // Regenerate
            {
                if (_old!.CallRecords.TryGetValue(address, out var prev) && prev is ITrace<TSubArgs, TSubRet> prevTyped && ReferenceEquals(prev.Function, function))
                {
                    var (tr, w) = function.Regenerate(prevTyped, args, _selection.Sub(address), _rng!);
                    AddCall(address, tr, tr.Score, prev.Score, w);
                    return tr.Return;
                }
                else
                {
                    var (tr, w) = function.Generate(args, ChoiceMap.Empty, _rng!);
                    AddCall(address, tr, tr.Score, 0, w);
                    return tr.Return;
                }
            }
        }
    }

    public Tensor Param(string name, Func<Tensor> init) => _model.Parameters.GetOrAdd(name, init);

    /// <summary>Records a sub-call whose own weight is <paramref name="weight"/>: its score enters the
    /// total, and the part of it not covered by the weight counts as fresh.</summary>
    private void AddCall(Address address, ITrace trace, double newScore, double oldScore, double weight)
    {
        Score += newScore;
        FreshLogDensity += newScore - oldScore - weight;
        Calls[address] = trace;
    }

    /// <summary>The address the run visited last (for an error raised by the model's own code), or null when it visited none.</summary>
    public Address? LastVisited { get; private set; }

    private void Visit(Address address)
    {
        if (address.IsRoot)
            throw new ModelException($"Model '{_model.Name}' used the root address for a choice; give it a name.", address);
        if (!_visited.Add(address))
            throw new ModelException(
                $"Model '{_model.Name}' used the address '{address}' twice in one run. Each random choice, observation and call needs its own address (inside a loop, add the loop index: \"name\" / i).",
                address);
        LastVisited = address;
    }

    private static void CheckParameters(Address address, IDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (distribution.ParameterError is { } problem)
            throw new DistributionParameterException(distribution.Family, problem, address);
    }

    /// <summary>After an update or regenerate: account for old choices and calls the new run did not visit.</summary>
    public void FinishAgainstOld()
    {
        if (_old is null) return;
        foreach (var (a, r) in _old.ChoiceRecords)
        {
            if (Choices.ContainsKey(a)) continue;
            if (_mode == HandlerMode.Update) Discard = Discard.Set(a, r.Value);
            else if (_mode == HandlerMode.Regenerate) DroppedLogDensity += r.LogDensity;
        }
        foreach (var (a, r) in _old.ChoiceRecords)
            if (_mode == HandlerMode.Regenerate && Choices.ContainsKey(a) && _selection.Contains(a))
                DroppedLogDensity += r.LogDensity;
        foreach (var (a, t) in _old.CallRecords)
        {
            if (Calls.ContainsKey(a) && ReferenceEquals(Calls[a].Function, t.Function)) continue;
            if (_mode == HandlerMode.Update)
            {
                if (!t.Choices.IsEmpty) Discard = Discard.SetSubmap(a, t.Choices);
            }
            else if (_mode == HandlerMode.Regenerate)
            {
                // The dropped call's choices leave with their own proposal; its observations and factors
                // (the part Project with no selection measures) do not.
                DroppedLogDensity += t.Score - ProjectNone(t);
            }
        }
    }

    private static double ProjectNone(ITrace trace) => trace.Function.Project(trace, Selection.None);

    /// <summary>
    /// After generate, update or assess: every constrained address must have been visited (here, or
    /// under a sub-call, which checks its own).
    /// </summary>
    public void CheckConstraintsVisited()
    {
        if (_constraints.IsEmpty || _consumed == _constraints.Count) return;
        List<Address>? unvisited = null;
        foreach (var (a, _) in _constraints.Leaves)
        {
            if (_visited.Contains(a) && !Observations.ContainsKey(a)) continue;
            var underCall = false;
            for (var k = 1; k < a.Length && !underCall; k++)
                underCall = _visited.Contains(new Address(a.Segments[..k].ToArray()));
            if (underCall) continue;
            (unvisited ??= new()).Add(a);
        }
        if (unvisited is null) return;
        var observed = unvisited.Where(Observations.ContainsKey).ToList();
        if (observed.Count > 0)
            throw new ModelException(
                $"Model '{_model.Name}': '{observed[0]}' is an observation (its value is given in the model), not a random choice, so it cannot be constrained.",
                observed[0]);
        throw new UnvisitedConstraintsException(_model.Name, unvisited, _visited.ToList());
    }
}
