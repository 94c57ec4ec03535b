using System.Runtime.CompilerServices;

namespace Ppl.Modeling;

/// <summary>
/// The runtime half of a generated model: implements the whole generative function interface by running
/// the generated body <typeparamref name="TBody"/> against one handler struct per operation. The
/// generator derives a sealed class from it per <c>[Model]</c> method (adding a typed trace and builder).
/// </summary>
/// <typeparam name="TArgs">The arguments (a tuple for several, <see cref="Unit"/> for none).</typeparam>
/// <typeparam name="TRet">The return value.</typeparam>
/// <typeparam name="TBody">The generated body.</typeparam>
public abstract class GeneratedFunction<TArgs, TRet, TBody> : IGenerativeFunction<TArgs, TRet>, IHasDifferentiableForm<TArgs>, IRunsWithHandler<TArgs, TRet>
    where TBody : struct, IModelBody<TArgs, TRet>
{
    /// <summary>The differentiable form the generator wrote for this model (exact gradients on unconstrained space), or null.</summary>
    public virtual DifferentiableBody<TArgs>? DifferentiableForm => null;

    /// <summary>Why the generator wrote no differentiable form (diagnostic PPL0012), or null.</summary>
    public virtual string? DifferentiableFormMissingReason => DifferentiableForm is null ? "the model was generated without one" : null;

    private readonly ConditionalWeakTable<Selection, bool[]> _masks = new();

    /// <inheritdoc />
    public TRet RunWith<TH>(ref TH handler, TArgs args) where TH : struct, IModelHandler => TBody.Run(ref handler, args);

    /// <summary>Creates the function (generated code only).</summary>
    protected GeneratedFunction(ModelMetadata metadata)
    {
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        Dependencies = metadata.Dependencies;
    }

    /// <summary>
    /// The dependency table update and regenerate use to keep stored log densities (see <see cref="SiteDependencies"/>);
    /// the metadata's, settable by tests (a deliberately wrong table must change the weights).
    /// </summary>
    internal SiteDependencies? Dependencies { get; set; }

    /// <summary>The image of the arguments (generated code overrides this for models with sites that depend on them).</summary>
    protected virtual object? SnapshotArgs(TArgs args) => null;

    /// <summary>True when <paramref name="args"/> are exactly those whose image is <paramref name="image"/>.</summary>
    protected virtual bool SameArgs(TArgs args, object image) => false;

    // ---------------------------------------------------------------- straight-line forms (see StraightLineRegenerate)

    /// <summary>True when the generator emitted straight-line forms of assess and regenerate for this model.</summary>
    protected virtual bool HasStraightLine => false;

    /// <summary>
    /// The straight-line assess (generated code overrides it): the log density of <paramref name="values"/>, one
    /// double per static slot (observation slots unused), or false to leave the work to the handler body.
    /// </summary>
    protected virtual bool AssessStraightLine(TArgs args, ReadOnlySpan<double> values, out double score, out TRet ret)
    {
        score = 0;
        ret = default!;
        return false;
    }

    /// <summary>
    /// The straight-line regenerate (generated code overrides it): redraws the selected slots, recomputes the log
    /// densities whose inputs changed (<paramref name="argsChanged"/>: the arguments differ from the old run's) and
    /// copies the others; or false to leave the work to the handler body.
    /// </summary>
    protected virtual bool RegenerateStraightLine(TArgs args, bool argsChanged, in StraightLineRegenerate frame,
        out double score, out double fresh, out double dropped, out double observed, out TRet ret)
    {
        score = fresh = dropped = observed = 0;
        ret = default!;
        return false;
    }

    /// <summary>The slot tags of a store of the straight-line form, and how many of them are choices.</summary>
    private sealed record StraightLineShape(byte[] Tags, int Choices);

    /// <summary>
    /// The straight-line simulate (generated code overrides it): draws every choice into <paramref name="values"/> and
    /// every log density into <paramref name="logDensities"/>; <paramref name="score"/> is their sum, of which the
    /// choices' part is <paramref name="fresh"/> and the observations' <paramref name="observed"/>; or false to leave
    /// the work to the handler body.
    /// </summary>
    protected virtual bool SimulateStraightLine(TArgs args, Rng rng, Span<double> values, Span<double> logDensities,
        out double score, out double fresh, out double observed, out TRet ret)
    {
        score = fresh = observed = 0;
        ret = default!;
        return false;
    }

    private StraightLineShape? _straightShape;

    /// <summary>
    /// The tags a store of the straight-line form holds (a double, int or bool choice at every choice slot, as the
    /// site's value type, and an observation at every observation slot), computed once from the metadata (published as one object, so that another thread sees
    /// all of it or none); null when the model has no straight-line form.
    /// </summary>
    private StraightLineShape? StraightShape
    {
        get
        {
            if (_straightShape is { } done) return done;
            if (!HasStraightLine) return null;
            var tags = new byte[Metadata.SlotCount];
            var choices = 0;
            foreach (var site in Metadata.Sites)
            {
                if (!Metadata.TryGetSlot(site.Address, out var k)) return null;
                tags[k] = site.Kind != SiteKind.Choice ? TraceStore.Observed : site.ValueType switch
                {
                    "double" => TraceStore.Double,
                    "int" => TraceStore.Int,
                    "bool" => TraceStore.Bool,
                    _ => TraceStore.Absent, // no straight-line form has other choices; a store never matches this
                };
                if (site.Kind == SiteKind.Choice) choices++;
            }
            return _straightShape = new StraightLineShape(tags, choices);
        }
    }

    /// <summary>
    /// True when <paramref name="store"/> has the straight-line shape, and the dependency table is the generated one
    /// (tests replace it to show that a wrong table changes the weights: the straight-line code has the generated
    /// table compiled in, so it must then stand aside).
    /// </summary>
    private bool StraightLineFits(TraceStore store) =>
        StraightShape is { } shape && ReferenceEquals(Dependencies, Metadata.Dependencies)
        && store.Family is null && store.FamilyObservations is null && store.FamilyCalls is null
        && store.Tag.AsSpan().SequenceEqual(shape.Tags);

    /// <inheritdoc />
    public string Name => Metadata.Name;

    /// <summary>The model's static metadata: addresses, families, value types.</summary>
    public ModelMetadata Metadata { get; }

    /// <inheritdoc />
    public ParameterStore Parameters { get; } = new();

    /// <summary>Creates an empty typed trace (generated code overrides it with the model's trace type).</summary>
    protected abstract GeneratedTrace<TArgs, TRet> CreateTrace();

    private ModelHandler<TMode> Handler<TMode>(TraceStore? store, int[] seq, ChoiceMap constraints, TraceStore? old, Selection selection,
        bool[]? mask, Rng? rng) where TMode : struct
    {
        // Constraints that are a trace of this very model are read straight from its slots.
        var source = constraints is GeneratedChoiceMap g && ReferenceEquals(g.Metadata, Metadata) ? g.Store : null;
        return new ModelHandler<TMode>(Name, Metadata, Parameters, store, seq, constraints, source, old, selection, mask, rng);
    }

    private GeneratedTrace<TArgs, TRet> MakeTrace<TMode>(TArgs args, TRet ret, in ModelHandler<TMode> h, TraceStore store) where TMode : struct
    {
        store.FactorTotal = h.Factors;
        store.ObservationTotal = h.Observed;
        var t = CreateTrace();
        t.Init(this, Metadata, args, ret, h.Score, store);
        return t;
    }

    /// <inheritdoc />
    public ITrace<TArgs, TRet> Simulate(TArgs args, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (SimulateStraight(args, rng) is { } fast) return fast.Trace;
        var store = new TraceStore(Metadata.SlotCount);
        var seq = SeqPool.Rent(Metadata.SlotCount);
        try
        {
            var h = Handler<GenerateMode>(store, seq, ChoiceMap.Empty, null, Selection.None, null, rng);
            var ret = Run(ref h, args, "Simulate");
            return MakeTrace(args, ret, h, store);
        }
        finally
        {
            SeqPool.Return(seq, Metadata.SlotCount);
        }
    }

    /// <inheritdoc />
    public GenerateResult<TArgs, TRet> Generate(TArgs args, ChoiceMap constraints, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        // Without constraints, generate is simulate; its weight is score − fresh, as the handler computes it.
        if (constraints.IsEmpty && SimulateStraight(args, rng) is { } fast) return new(fast.Trace, fast.Trace.Score - fast.Fresh);
        var store = new TraceStore(Metadata.SlotCount);
        var seq = SeqPool.Rent(Metadata.SlotCount);
        try
        {
            var h = Handler<GenerateMode>(store, seq, constraints, null, Selection.None, null, rng);
            var ret = Run(ref h, args, "Generate");
            h.CheckConstraintsVisited();
            return new(MakeTrace(args, ret, h, store), h.Score - h.Fresh);
        }
        finally
        {
            SeqPool.Return(seq, Metadata.SlotCount);
        }
    }

    /// <inheritdoc />
    public AssessResult<TRet> Assess(TArgs args, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices is GeneratedChoiceMap g && ReferenceEquals(g.Metadata, Metadata) && StraightLineFits(g.Store))
        {
            try
            {
                if (AssessStraightLine(args, g.Store.Num, out var score, out var value))
                {
                    StraightLineCounter.Runs++;
                    return new(score, value);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The handler body below runs the same (deterministic) code again and raises the error with the site's address.
            }
        }
        var seq = SeqPool.Rent(Metadata.SlotCount);
        try
        {
            var h = Handler<AssessMode>(null, seq, choices, null, Selection.None, null, null);
            try
            {
                var ret = Run(ref h, args, "Assess");
                h.CheckConstraintsVisited();
                return new(h.Score, ret);
            }
            catch (Exception e) when (h.OnceAllowed != 0 && e is not OutOfMemoryException)
            {
                // Visits of proven families went unrecorded (ModelHandler.ObserveOnce, SampleOnce), and the error may need them (the
                // last address visited, the visited list, the address of a distribution's parameter error): below.
            }
        }
        finally
        {
            SeqPool.Return(seq, Metadata.SlotCount);
        }
        return AssessRecorded(args, choices);
    }

    /// <summary>
    /// Assess with every visit recorded, after a run that threw: it runs the same (deterministic) body again, so it
    /// raises the error the reference path raises, with the same message and address.
    /// </summary>
    private AssessResult<TRet> AssessRecorded(TArgs args, ChoiceMap choices)
    {
        var seq = SeqPool.Rent(Metadata.SlotCount);
        try
        {
            var h = Handler<AssessMode>(null, seq, choices, null, Selection.None, null, null);
            h.OnceDisabled = true;
            var ret = Run(ref h, args, "Assess");
            h.CheckConstraintsVisited();
            return new(h.Score, ret);
        }
        finally
        {
            SeqPool.Return(seq, Metadata.SlotCount);
        }
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
        var store = new TraceStore(Metadata.SlotCount);
        var seq = SeqPool.Rent(Metadata.SlotCount);
        try
        {
            var h = Handler<UpdateMode>(store, seq, constraints, old.Store, Selection.None, null, rng);
            h.Source = null; // update reads constraints by address: they override the old trace, whatever their origin
            var image = StartDependencies(ref h, old, args);
            var ret = Run(ref h, args, "Update");
            h.CheckConstraintsVisited();
            h.FinishAgainstOld();
            var weight = h.Score - old.Score - h.Fresh;
            var t = MakeTrace(args, ret, h, store);
            t.ArgsImage = image;
            return new(t, weight, h.Discard);
        }
        finally
        {
            SeqPool.Return(seq, Metadata.SlotCount);
        }
    }

    /// <inheritdoc />
    public RegenerateResult<TArgs, TRet> Regenerate(ITrace<TArgs, TRet> trace, TArgs args, Selection selection, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(rng);
        var old = Own(trace);
        if (rng.GetType() == typeof(Rng) && StraightLineFits(old.Store) && RegenerateStraight(old, args, selection, rng) is { } fast) return fast;
        var store = new TraceStore(Metadata.SlotCount);
        var seq = SeqPool.Rent(Metadata.SlotCount);
        try
        {
            var h = Handler<RegenerateMode>(store, seq, ChoiceMap.Empty, old.Store, selection, Mask(selection), rng);
            var image = StartDependencies(ref h, old, args);
            var ret = Run(ref h, args, "Regenerate");
            h.FinishAgainstOld();
            var weight = h.Score - old.Score - h.Fresh + h.Dropped;
            var t = MakeTrace(args, ret, h, store);
            t.ArgsImage = image;
            return new(t, weight);
        }
        finally
        {
            SeqPool.Return(seq, Metadata.SlotCount);
        }
    }

    /// <summary>
    /// The straight-line regenerate, or null when it bailed out: then the random stream is back where it was, and
    /// the handler body does the work (and raises any error with its address).
    /// </summary>
    private RegenerateResult<TArgs, TRet>? RegenerateStraight(GeneratedTrace<TArgs, TRet> old, TArgs args, Selection selection, Rng rng)
    {
        var (argsChanged, image) = ArgsAgainst(old, args);
        var state = rng.State;
        var store = new TraceStore(Metadata.SlotCount);
        try
        {
            var frame = new StraightLineRegenerate(old.Store.Num, old.Store.LogDensity, Mask(selection), rng, store.Num, store.LogDensity);
            if (RegenerateStraightLine(args, argsChanged, frame, out var score, out var fresh, out var dropped, out var observed, out var ret))
            {
                var t = StraightLineTrace(_straightShape!, store, args, ret, score, observed); // the shape is set: StraightLineFits held
                t.ArgsImage = image;
                return new(t, score - old.Score - fresh + dropped);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Falls through: the handler body runs again from the same random state and raises the error with the site's address.
        }
        rng.State = state;
        return null;
    }

    /// <summary>
    /// The straight-line simulate, or null when the model has none or it bailed out (then the random stream is back
    /// where it was, and the handler body does the work and raises any error with its address).
    /// </summary>
    private (GeneratedTrace<TArgs, TRet> Trace, double Fresh)? SimulateStraight(TArgs args, Rng rng)
    {
        if (rng.GetType() != typeof(Rng) || StraightShape is not { } shape) return null;
        var state = rng.State;
        var store = new TraceStore(Metadata.SlotCount);
        try
        {
            if (SimulateStraightLine(args, rng, store.Num, store.LogDensity, out var score, out var fresh, out var observed, out var ret))
            {
                return (StraightLineTrace(shape, store, args, ret, score, observed), fresh);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Falls through: the handler body runs again from the same random state and raises the error with the site's address.
        }
        rng.State = state;
        return null;
    }

    /// <summary>
    /// The trace of a completed straight-line run: the store gets the form's tags (the generated code writes only values
    /// and log densities) and the counts the handler would have kept.
    /// </summary>
    private GeneratedTrace<TArgs, TRet> StraightLineTrace(StraightLineShape shape, TraceStore store, TArgs args, TRet ret, double score, double observed)
    {
        shape.Tags.AsSpan().CopyTo(store.Tag);
        store.ChoiceCount = shape.Choices;
        store.ObservationTotal = observed;
        var t = CreateTrace();
        t.Init(this, Metadata, args, ret, score, store);
        StraightLineCounter.Runs++;
        return t;
    }

    /// <summary>Whether the arguments differ from the old run's (as far as any site depends on them), and the image for the new trace.</summary>
    private (bool Changed, object? Image) ArgsAgainst(GeneratedTrace<TArgs, TRet> old, TArgs args)
    {
        var d = Dependencies;
        if (d is null || d.ArgsBit < 0) return (false, null);
        if (old.ArgsImage is { } image && SameArgs(args, image)) return (false, image);
        return (true, SnapshotArgs(args));
    }

    /// <summary>
    /// Arms the handler's dependency tracking for an update or regenerate of <paramref name="old"/>: nothing has
    /// changed yet except, when they differ from the old run's, the arguments. Returns the image of the
    /// arguments for the new trace (the old one when they are the same; taken before the body runs).
    /// </summary>
    private object? StartDependencies<TMode>(ref ModelHandler<TMode> h, GeneratedTrace<TArgs, TRet> old, TArgs args) where TMode : struct
    {
        var d = Dependencies;
        if (d is null) return null;
        h.UseDependencies(d);
        var (changed, image) = ArgsAgainst(old, args);
        if (changed) h.MarkChanged(d.ArgsBit);
        return image;
    }

    /// <summary>
    /// Runs the body. The fast paths let Ppl's distributions check their own parameters (they throw without
    /// an address); the handler's <c>Current</c> says which static site was being evaluated, so the error
    /// still names the address, as the dynamic tracer's does.
    /// </summary>
    private TRet Run<TMode>(ref ModelHandler<TMode> h, TArgs args, string operation) where TMode : struct
    {
        try
        {
            return TBody.Run(ref h, args);
        }
        catch (DistributionParameterException e) when (e.Address is null && h.Current >= 0)
        {
            throw new DistributionParameterException(e.Family, e.Problem, Metadata.AddressOf(h.Current));
        }
        catch (Exception e) when (ModelCodeException.ShouldWrap(e))
        {
            throw new ModelCodeException(Name, operation, h.LastVisited(), e);
        }
    }

    /// <summary>Which static slots a selection selects, computed once per selection object.</summary>
    private bool[] Mask(Selection selection) => _masks.GetValue(selection, s =>
    {
        var m = new bool[Metadata.SlotCount];
        for (var k = 0; k < m.Length; k++) m[k] = s.Contains(Metadata.StaticSites[k].Address);
        return m;
    });

    /// <inheritdoc />
    public double Project(ITrace<TArgs, TRet> trace, Selection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var s = Own(trace).Store;
        var total = s.FactorTotal + s.ObservationTotal;
        for (var k = 0; k < s.Tag.Length; k++)
        {
            var a = Metadata.StaticSites[k].Address;
            if (s.HasChoice(k) && selection.Contains(a)) total += s.LogDensity[k];
            else if (s.CallAt(k) is { } sub) total += sub.Function.Project(sub, selection.Sub(a));
        }
        if (s.Family is { } f)
            foreach (var (a, e) in f)
                if (selection.Contains(a)) total += e.LogDensity;
        if (s.FamilyCalls is { } c)
            foreach (var (a, sub) in c) total += sub.Function.Project(sub, selection.Sub(a));
        return total;
    }

    /// <inheritdoc />
    public double Project(ITrace trace, Selection selection) => Project(Own(trace), selection);

    /// <summary>
    /// Gradients of log p with respect to the selected continuous scalar choices: exact, by reverse mode through the
    /// model's differentiable form when it has one; otherwise (PPL0012) by the same Richardson-extrapolated central
    /// difference of <see cref="Assess"/> as the dynamic tracer. Tensor choices are not supported here yet.
    /// </summary>
    public ChoiceMap ChoiceGradients(ITrace<TArgs, TRet> trace, Selection selection)
    {
        var t = Own(trace);
        var choices = t.Choices;
        var result = ChoiceMap.Empty;
        if (DifferentiableForm is { } body)
        {
            // Exact: one run of the differentiable form with the selected continuous choices as tape variables at their
            // values (no bijector), every other choice held, and one backward sweep.
            var layout = DifferentiableContext.Discover(Name, body, t.Args, ChoiceMap.Empty, choices, selection);
            if (layout.Choices.FirstOrDefault(c => c.Shape != DifferentiableChoiceShape.Scalar) is { } vector)
                throw new NotSupportedException(
                    $"ChoiceGradients of '{Name}': the selected choice '{vector.Address}' is a {vector.Family} vector; gradients with respect to the entries of vector choices are not supported yet (gradient MCMC moves them on their unconstrained coordinates).");
            var tape = Autodiff.Tape.Current;
            tape.Reset();
            var theta = new Autodiff.Real[layout.Dimension];
            for (var i = 0; i < theta.Length; i++) theta[i] = tape.Variable(choices.Get<double>(layout.Coordinates[i]));
            var context = DifferentiableContext.ForThread;
            context.Begin(layout, theta, modelName: Name, constrained: true);
            body(context, t.Args);
            var lp = context.End();
            tape.Backward(lp);
            for (var i = 0; i < theta.Length; i++) result = result.Set(layout.Coordinates[i], tape.Adjoint(theta[i]));
            tape.Reset();
            return result;
        }
        foreach (var (address, value) in choices.Leaves)
        {
            if (!selection.Contains(address)) continue;
            if (value is double x)
                result = result.Set(address, NumericDerivative.AtChoice(v => Assess(t.Args, choices.Set(address, v)).Weight, x, address));
            else if (value is TorchSharp.torch.Tensor)
                throw new NotSupportedException($"Gradients of tensor choices ('{address}') of generated model '{Name}' are not supported yet; use a DynamicModel.");
        }
        return result;
    }

    /// <summary>Generated models have no trainable parameters (models using <c>Param</c> run through the dynamic tracer).</summary>
    public void AccumulateParameterGradients(ITrace<TArgs, TRet> trace, double scale) => Own(trace);

    private GeneratedTrace<TArgs, TRet> Own(ITrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return trace is GeneratedTrace<TArgs, TRet> t && ReferenceEquals(t.Function, this)
            ? t
            : throw new ArgumentException($"The trace was not produced by model '{Name}' (it comes from '{trace.Function.Name}').", nameof(trace));
    }

    /// <inheritdoc />
    public override string ToString() => $"GeneratedModel {Name}";
}

/// <summary>
/// Per-thread reusable visit arrays (visit order per static slot, needed only while a body runs): <c>Assess</c>
/// must not allocate, and the other operations allocate only the trace they return.
/// </summary>
internal static class SeqPool
{
    [ThreadStatic] private static Stack<int[]>? _free;

    public static int[] Rent(int n)
    {
        var free = _free ??= new Stack<int[]>();
        while (free.TryPop(out var a))
            if (a.Length >= n) return a;
        return new int[Math.Max(n, 1)];
    }

    public static void Return(int[] a, int n)
    {
        Array.Clear(a, 0, Math.Min(n, a.Length));
        (_free ??= new Stack<int[]>()).Push(a);
    }
}
