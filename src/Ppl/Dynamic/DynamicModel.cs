using Ppl.Dynamic;

namespace Ppl;

/// <summary>
/// A generative function written as an ordinary C# method over the <see cref="ITracer"/> effects, run
/// by the dynamic tracer (no source generator involved). It is Ppl's reference semantics: generated
/// models must behave identically, and it serves every model the generator cannot specialise.
/// <code>
/// var coin = new DynamicModel&lt;int, bool&gt;("coin", (t, n) =>
/// {
///     var p = t.Sample("p", new Beta(1, 1));
///     for (var i = 0; i &lt; n; i++) t.Sample("flip" / i, new Bernoulli(p));
///     return p > 0.5;
/// });
/// </code>
/// </summary>
public sealed class DynamicModel<TArgs, TRet> : IGenerativeFunction<TArgs, TRet>
{
    private readonly Func<ITracer, TArgs, TRet> _body;

    /// <summary>Creates a dynamic model.</summary>
    /// <param name="name">A name for messages.</param>
    /// <param name="body">The model: effects go through the tracer it receives.</param>
    public DynamicModel(string name, Func<ITracer, TArgs, TRet> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _body = body ?? throw new ArgumentNullException(nameof(body));
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ParameterStore Parameters { get; } = new();

    private (DynamicHandler<TArgs, TRet> Handler, TRet Return) Run(TArgs args, HandlerMode mode, ChoiceMap constraints,
        DynamicTrace<TArgs, TRet>? old, Selection selection, Rng? rng, string? operation = null)
    {
        var handler = new DynamicHandler<TArgs, TRet>(this, mode, constraints, old, selection, rng);
        try
        {
            return (handler, _body(handler, args));
        }
        catch (Exception e) when (ModelCodeException.ShouldWrap(e))
        {
            throw new ModelCodeException(Name, operation ?? mode.ToString(), handler.LastVisited, e);
        }
    }

    private DynamicTrace<TArgs, TRet> MakeTrace(TArgs args, DynamicHandler<TArgs, TRet> h, TRet ret) =>
        new(this, args, ret, h.Score, h.Factors, h.Choices, h.Observations, h.Calls);

    /// <inheritdoc />
    public ITrace<TArgs, TRet> Simulate(TArgs args, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var (h, ret) = Run(args, HandlerMode.Generate, ChoiceMap.Empty, null, Selection.None, rng, "Simulate");
        return MakeTrace(args, h, ret);
    }

    /// <inheritdoc />
    public GenerateResult<TArgs, TRet> Generate(TArgs args, ChoiceMap constraints, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        var (h, ret) = Run(args, HandlerMode.Generate, constraints, null, Selection.None, rng);
        h.CheckConstraintsVisited();
        return new(MakeTrace(args, h, ret), h.Score - h.FreshLogDensity);
    }

    /// <inheritdoc />
    public AssessResult<TRet> Assess(TArgs args, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var (h, ret) = Run(args, HandlerMode.Assess, choices, null, Selection.None, null);
        h.CheckConstraintsVisited();
        return new(h.Score, ret);
    }

    /// <inheritdoc />
    public ProposeResult<TRet> Propose(TArgs args, Rng rng)
    {
        var trace = Simulate(args, rng);
        return new(trace.Choices, trace.Score, trace.Return);
    }

    /// <inheritdoc />
    public UpdateResult<TArgs, TRet> Update(ITrace<TArgs, TRet> trace, TArgs args, ChoiceMap constraints, Rng rng)
    {
        var old = Own(trace);
        var (h, ret) = Run(args, HandlerMode.Update, constraints, old, Selection.None, rng);
        h.CheckConstraintsVisited();
        h.FinishAgainstOld();
        var weight = h.Score - old.Score - h.FreshLogDensity;
        return new(MakeTrace(args, h, ret), weight, h.Discard);
    }

    /// <inheritdoc />
    public RegenerateResult<TArgs, TRet> Regenerate(ITrace<TArgs, TRet> trace, TArgs args, Selection selection, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var old = Own(trace);
        var (h, ret) = Run(args, HandlerMode.Regenerate, ChoiceMap.Empty, old, selection, rng);
        h.FinishAgainstOld();
        var weight = h.Score - old.Score - h.FreshLogDensity + h.DroppedLogDensity;
        return new(MakeTrace(args, h, ret), weight);
    }

    /// <inheritdoc />
    public double Project(ITrace<TArgs, TRet> trace, Selection selection)
    {
        var t = Own(trace);
        var total = t.FactorTotal;
        foreach (var (_, r) in t.ObservationRecords) total += r.LogDensity;
        foreach (var (a, r) in t.ChoiceRecords)
            if (selection.Contains(a)) total += r.LogDensity;
        foreach (var (a, sub) in t.CallRecords) total += sub.Function.Project(sub, selection.Sub(a));
        return total;
    }

    /// <inheritdoc />
    public double Project(ITrace trace, Selection selection) => Project(Own(trace), selection);

    /// <inheritdoc />
    public ChoiceMap ChoiceGradients(ITrace<TArgs, TRet> trace, Selection selection) =>
        DynamicGradients.ChoiceGradients(this, Own(trace), selection);

    /// <inheritdoc />
    public void AccumulateParameterGradients(ITrace<TArgs, TRet> trace, double scale) =>
        DynamicGradients.AccumulateParameterGradients(this, Own(trace), scale);

    internal TRet RunBody(ITracer tracer, TArgs args) => _body(tracer, args);

    private DynamicTrace<TArgs, TRet> Own(ITrace trace) =>
        trace as DynamicTrace<TArgs, TRet> is { } t && ReferenceEquals(t.Model, this)
            ? t
            : throw new ArgumentException($"The trace was not produced by model '{Name}' (it comes from '{trace.Function.Name}').", nameof(trace));

    /// <inheritdoc />
    public override string ToString() => $"DynamicModel {Name}";
}

/// <summary>Shorthands for creating dynamic models with type inference.</summary>
public static class DynamicModel
{
    /// <summary>Creates a dynamic model from a body over the tracer.</summary>
    public static DynamicModel<TArgs, TRet> Create<TArgs, TRet>(string name, Func<ITracer, TArgs, TRet> body) => new(name, body);

    /// <summary>Creates a dynamic model that takes no arguments.</summary>
    public static DynamicModel<Unit, TRet> Create<TRet>(string name, Func<ITracer, TRet> body) => new(name, (t, _) => body(t));
}

/// <summary>The empty argument tuple, for generative functions without arguments.</summary>
public readonly record struct Unit
{
    /// <summary>The value.</summary>
    public static Unit Value => default;
}
