using System.Runtime.CompilerServices;
using Ppl.Autodiff;

namespace Ppl.Modeling;

/// <summary>
/// The context a model's differentiable form (<see cref="DifferentiableBody{TArgs}"/>) runs against: it
/// supplies each choice's value and accumulates the log joint density on unconstrained space,
/// log p(x(u), held values) + Σ log |dx/du|, as one sum of <see cref="Real"/> terms.
/// <para>
/// Two kinds of run. <see cref="Discover"/> runs the model once, deciding for every site what it is (a
/// coordinate, a held value, an observation) from the observations, the selection and the held values,
/// and returns the <see cref="DifferentiableLayout"/>. <see cref="Begin"/> … <see cref="End"/> replays a
/// layout at a position: the k-th effect reads the k-th visit, with no address built or looked up. One
/// context per thread (<see cref="ForThread"/>); contexts are not thread-safe, layouts are immutable.
/// </para>
/// Generated code calls the public site methods; users do not.
/// </summary>
public sealed partial class DifferentiableContext
{
    [ThreadStatic]
    private static DifferentiableContext? t_context;

    private bool _discovering;
    private bool _sumOut;
    private bool _diagnosing;
    private bool _constrained;
    // A run that only reports the choices' values (and deterministic quantities): no site computes its log density.
    private bool _valuesOnly;

    // Replay.
    private Visit[] _visits = [];
    private int _k;
    private Real[] _theta = [];
    private double[]? _record;
    private double[]? _discreteValues; // per visit: the value a summed-out discrete choice takes in this run (NaN: the layout's)

    // The log density's terms, summed at the end as one fused node per two terms.
    private Real[] _terms = new Real[64];
    private int _termCount;

    // The parents and partials of the sites' log-density nodes taken off the tape (Tape.TryTakeLast), passed straight to
    // the total: a site then costs a chain entry per parent, as in a hand-written vectorised density, instead of a node
    // of its own and an entry. The taken term's value stays in _terms (as a constant), so the sum's order is unchanged.
    private int[] _takenParents = new int[96];
    private double[] _takenPartials = new double[96];
    private int _takenCount;
    private Tape? _tape;

    // Discovery.
    private List<Visit>? _found;
    private List<Address>? _coordinates;
    private List<string>? _families;
    private List<double>? _start;
    private List<SummedChoice>? _summed;
    private List<Address>? _deterministics;
    private List<DifferentiableChoice>? _choices;
    private List<Address>? _values;
    private double[]? _derived;
    private List<Real>? _discoveredTheta;
    private ChoiceMap _observations = ChoiceMap.Empty;
    private ChoiceMap _held = ChoiceMap.Empty;
    private Selection _selection = Selection.All;
    private readonly List<Address> _prefixes = [];
    private string _model = "";
    private Address? _probe;
    private Ppl.Distributions.IDistribution? _probed;

    /// <summary>This thread's context.</summary>
    public static DifferentiableContext ForThread => t_context ??= new DifferentiableContext();

    // ------------------------------------------------------------------ discovery

    /// <summary>
    /// Runs <paramref name="body"/> once to lay out its differentiable form: every continuous choice that is
    /// observed (in <paramref name="observations"/>) or not selected is held (at its observed or held value),
    /// every other continuous choice becomes a coordinate (starting from its held value, if any, else 0 on
    /// the unconstrained scale), and every discrete choice is held.
    /// </summary>
    /// <param name="modelName">The model's name, for messages.</param>
    /// <param name="body">The differentiable form.</param>
    /// <param name="args">The model's arguments.</param>
    /// <param name="observations">Observed values: constraints on choices, never coordinates.</param>
    /// <param name="held">Values of the choices that are not coordinates (and starting values of those that are); may be empty.</param>
    /// <param name="selection">Which continuous choices are coordinates (those not observed).</param>
    /// <param name="sumOutDiscrete">
    /// Lay out every unobserved discrete choice with a finite support (<see cref="Autodiff.IRealFiniteDiscrete"/>:
    /// Bernoulli, Categorical, Binomial, DiscreteUniform) to be summed out: a density evaluates the model at each
    /// combination of their values (<see cref="DifferentiableLayout.SummedOut"/>) and takes the log-sum-exp.
    /// </param>
    public static DifferentiableLayout Discover<TArgs>(string modelName, DifferentiableBody<TArgs> body, TArgs args, ChoiceMap observations, ChoiceMap held, Selection selection,
        bool sumOutDiscrete = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        var c = ForThread;
        var tape = Tape.Current;
        tape.Reset();
        c._discovering = true;
        c._sumOut = sumOutDiscrete;
        c._summed = [];
        c._discreteValues = null;
        c._diagnosing = false;
        c._model = modelName;
        c._found = [];
        c._coordinates = [];
        c._families = [];
        c._start = [];
        c._deterministics = [];
        c._choices = [];
        c._values = [];
        c._discoveredTheta = [];
        c._observations = observations ?? ChoiceMap.Empty;
        c._held = held ?? ChoiceMap.Empty;
        c._selection = selection ?? Selection.All;
        c._prefixes.Clear();
        c._termCount = 0;
        c._arrayCount = 0;
        c._valuesOnly = false;
        c._takenCount = 0;
        c._record = null;
        try
        {
            body(c, args);
            var total = c.Total();
            return new DifferentiableLayout(c._found.ToArray(), c._coordinates.ToArray(), c._families.ToArray(), c._start.ToArray(), total.Value, c._deterministics.ToArray(),
                c._choices.ToArray(), c._values.ToArray(), c._summed.ToArray());
        }
        finally
        {
            c._discovering = false;
            c._sumOut = false;
            c._summed = null;
            c._found = null;
            c._coordinates = null;
            c._families = null;
            c._start = null;
            c._deterministics = null;
            c._choices = null;
            c._values = null;
            c._discoveredTheta = null;
            c._observations = c._held = ChoiceMap.Empty;
            c._prefixes.Clear();
            tape.Reset();
        }
    }

    /// <summary>
    /// The distribution (as its double-valued family at the parameters' values) of the site at
    /// <paramref name="address"/> in a run of <paramref name="body"/> with every choice held at its value in
    /// <paramref name="values"/> (a trace's choices), or null when the run does not visit it: what kernels that
    /// read a site's distribution (enumerative Gibbs, elliptical slice) see of a generated model.
    /// </summary>
    public static Ppl.Distributions.IDistribution? SiteDistribution<TArgs>(string modelName, DifferentiableBody<TArgs> body, TArgs args, ChoiceMap values, Address address)
    {
        var c = ForThread;
        c._probe = address;
        c._probed = null;
        try
        {
            Discover(modelName, body, args, ChoiceMap.Empty, values, Selection.None);
            return c._probed;
        }
        finally
        {
            c._probe = null;
            c._probed = null;
        }
    }

    private void Probe(Address address, IRealDistribution d)
    {
        if (_probe is { } p && _probed is null && p.Equals(address)) _probed = d.AtValues();
    }

    private Address Full(in SiteAddress a)
    {
        var local = a.ToAddress();
        return _prefixes.Count == 0 ? local : _prefixes[^1] / local;
    }

    private Real DiscoverContinuous<D>(in SiteAddress site, D d) where D : struct, IRealContinuous
    {
        var address = Full(site);
        Probe(address, d);
        if (_observations.TryGetValue(address, out var observed))
        {
            var v = ToDouble(observed, address);
            _found!.Add(new Visit(VisitKind.Held, -1, v, address, d.Family));
            return v;
        }
        var hasHeld = _held.TryGetValue(address, out var heldValue);
        if (_selection.Contains(address))
        {
            var index = _coordinates!.Count;
            var u = hasHeld ? d.Unconstrain(ToDouble(heldValue, address)) : 0.0;
            if (!double.IsFinite(u)) u = 0.0;
            _coordinates.Add(address);
            _families!.Add(d.Family);
            _start!.Add(u);
            var variable = Tape.Current.Variable(u);
            _discoveredTheta!.Add(variable);
            var valueIndex = _values!.Count;
            _values.Add(address);
            _choices!.Add(new DifferentiableChoice(address, d.Family, DifferentiableChoiceShape.Scalar, index, 1, valueIndex, 1, 1));
            _found!.Add(new Visit(VisitKind.Coordinate, index, 0, address, d.Family, 1, valueIndex));
            Real logJ = 0.0;
            var x = d.Constrain(variable, ref logJ);
            AddTerm(logJ);
            return x;
        }
        if (!hasHeld)
            throw new DifferentiableLayoutException(
                $"The continuous choice at '{address}' of '{_model}' is neither selected nor given a value: select it, observe it, or give the values of the choices the kernel does not move.", address);
        var held = ToDouble(heldValue, address);
        _found!.Add(new Visit(VisitKind.Held, -1, held, address, d.Family));
        return held;
    }

    /// <summary>
    /// Lays out a vector or matrix choice: held at its observed or held value (entries row by row), or owning
    /// <paramref name="coordinates"/> coordinates named by <paramref name="coordinateName"/>, started from the held
    /// value's unconstrained coordinates (through <paramref name="unconstrain"/>) where one is given, else at 0.
    /// Returns the held entries, or null for a coordinate visit (the caller constrains the discovered variables).
    /// </summary>
    private double[]? DiscoverMulti(Address address, IRealDistribution d, DifferentiableChoiceShape shape, int rows, int columns, int coordinates,
        Func<int, Address> coordinateName, Func<object, Address, double[]> entries, Action<object, Span<double>> unconstrain, out int start)
    {
        start = -1;
        Probe(address, d);
        if (_observations.TryGetValue(address, out var observed))
        {
            var held = entries(observed!, address);
            _found!.Add(new Visit(VisitKind.Held, -1, 0, address, d.Family, 0, -1, held));
            return held;
        }
        var hasHeld = _held.TryGetValue(address, out var heldValue);
        if (_selection.Contains(address))
        {
            start = _coordinates!.Count;
            var u = new double[coordinates];
            if (hasHeld)
            {
                unconstrain(heldValue!, u);
                // A value outside the support (or on its edge) starts at the centre of the unconstrained scale, as a scalar does.
                if (u.Any(x => !double.IsFinite(x))) Array.Clear(u);
            }
            var valueIndex = _values!.Count;
            for (var k = 0; k < coordinates; k++)
            {
                _coordinates.Add(coordinateName(k));
                _families!.Add(d.Family);
                _start!.Add(u[k]);
                _discoveredTheta!.Add(Tape.Current.Variable(u[k]));
            }
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < columns; j++) _values.Add(shape == DifferentiableChoiceShape.Matrix ? address / i / j : address / i);
            _choices!.Add(new DifferentiableChoice(address, d.Family, shape, start, coordinates, valueIndex, rows, columns));
            _found!.Add(new Visit(VisitKind.Coordinate, start, 0, address, d.Family, coordinates, valueIndex));
            return null;
        }
        if (!hasHeld)
            throw new DifferentiableLayoutException(
                $"The continuous choice at '{address}' of '{_model}' is neither selected nor given a value: select it, observe it, or give the values of the choices the kernel does not move.", address);
        var values = entries(heldValue!, address);
        _found!.Add(new Visit(VisitKind.Held, -1, 0, address, d.Family, 0, -1, values));
        return values;
    }

    private static double[] VectorEntries(object value, Address address, int length) => value switch
    {
        double[] a when a.Length == length => (double[])a.Clone(),
        double[] a => throw new DifferentiableLayoutException($"The value at '{address}' has {a.Length} entries; the site draws {length}.", address),
        _ => throw new DifferentiableLayoutException($"The value at '{address}' is a {value?.GetType().Name ?? "null"}; the site draws a double[].", address),
    };

    private static double[] MatrixEntries(object value, Address address, int rows, int columns)
    {
        if (value is not double[,] m)
            throw new DifferentiableLayoutException($"The value at '{address}' is a {value?.GetType().Name ?? "null"}; the site draws a double[,].", address);
        if (m.GetLength(0) != rows || m.GetLength(1) != columns)
            throw new DifferentiableLayoutException($"The value at '{address}' is {m.GetLength(0)}×{m.GetLength(1)}; the site draws {rows}×{columns}.", address);
        var e = new double[rows * columns];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++) e[i * columns + j] = m[i, j];
        return e;
    }

    private static double[,] Matrix(double[] entries, int rows, int columns)
    {
        var m = new double[rows, columns];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++) m[i, j] = entries[i * columns + j];
        return m;
    }

    /// <summary>The largest support a summed-out choice may have.</summary>
    internal const int MaxSummedSupport = 4096;

    private double DiscoverDiscrete(in SiteAddress site, IRealDistribution d)
    {
        var family = d.Family;
        var address = Full(site);
        Probe(address, d);
        if (_sumOut && !_observations.Contains(address))
        {
            if (d is not Autodiff.IRealFiniteDiscrete finite)
                throw new DifferentiableLayoutException(
                    $"The discrete choice at '{address}' of '{_model}' ({family}) has an infinite support and cannot be summed out; observe it, or give its value and move it with another kernel.", address);
            var (min, max) = (finite.SupportMin, finite.SupportMax);
            if (max < min || max - min >= MaxSummedSupport)
                throw new DifferentiableLayoutException(
                    $"The discrete choice at '{address}' of '{_model}' ({family}) has support {min} … {max}; summing out takes 1 … {MaxSummedSupport} values.", address);
            _summed!.Add(new SummedChoice(_found!.Count, address, min, (int)(max - min + 1)));
            _found.Add(new Visit(VisitKind.Discrete, -1, min, address, family));
            return min;
        }
        if (!_observations.TryGetValue(address, out var value) && !_held.TryGetValue(address, out value))
            throw new DifferentiableLayoutException(
                $"The discrete choice at '{address}' of '{_model}' has no value: gradient-based inference moves only continuous choices, so observe it, " +
                "give its value, or compose the gradient kernel with a kernel that moves it (e.g. Kernel.Cycle(Kernel.Gibbs(…), Kernel.On(…, new NutsKernel())))", address);
        var v = value switch
        {
            bool b => b ? 1.0 : 0.0,
            int i => i,
            long l => l,
            _ => throw new DifferentiableLayoutException($"The value at '{address}' of '{_model}' is a {value?.GetType().Name ?? "null"}; the site draws an int or a bool.", address),
        };
        _found!.Add(new Visit(VisitKind.Discrete, -1, v, address, family));
        return v;
    }

    private static double ToDouble(object? value, Address address) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        _ => throw new DifferentiableLayoutException($"The value at '{address}' is a {value?.GetType().Name ?? "null"}; the site draws a double.", address),
    };

    // ------------------------------------------------------------------ replay

    /// <summary>
    /// Starts a replay of <paramref name="layout"/> at the unconstrained position <paramref name="theta"/>
    /// (tape variables for a gradient, constants for a value). With <paramref name="record"/>, each
    /// coordinate's constrained value is written there.
    /// </summary>
    /// <param name="layout">The layout to replay.</param>
    /// <param name="theta">The position, one value per coordinate.</param>
    /// <param name="record">Where to write each coordinate's constrained value, or null.</param>
    /// <param name="diagnose">Check every site's log density (the first NaN throws, naming the site and the parameter at fault).</param>
    /// <param name="modelName">The model's name, for messages.</param>
    /// <param name="constrained">The position holds the choices' values themselves (no bijector, no log-Jacobian): the log density of the trace, as <c>ChoiceGradients</c> differentiates it.</param>
    /// <param name="derived">Where to write each deterministic quantity's value (<see cref="DifferentiableLayout.Deterministics"/>), or null.</param>
    /// <param name="discreteValues">Per visit, the value a summed-out discrete choice takes in this run (NaN or null: the layout's).</param>
    /// <param name="valuesOnly">
    /// The run only reports values (<paramref name="record"/>, <paramref name="derived"/>): no site computes its log density,
    /// and the run's total is meaningless. A draw's report then costs the model's arithmetic, not a second density.
    /// </param>
    public void Begin(DifferentiableLayout layout, Real[] theta, double[]? record = null, bool diagnose = false, string modelName = "", bool constrained = false,
        double[]? derived = null, double[]? discreteValues = null, bool valuesOnly = false)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _valuesOnly = valuesOnly;
        _discreteValues = discreteValues;
        _constrained = constrained;
        _derived = derived;
        _visits = layout.Visits;
        _theta = theta;
        _record = record;
        _k = 0;
        _termCount = 0;
        _arrayCount = 0;
        _takenCount = 0;
        _tape = Tape.Current;
        _diagnosing = diagnose;
        _model = modelName;
    }

    /// <summary>Ends a replay: checks that the run visited the whole layout and returns the log density.</summary>
    public Real End()
    {
        CheckVisitedAll();
        return Total();
    }

    /// <summary>
    /// Ends a replay as <see cref="End"/> does but records nothing: the log density's value, whose gradient
    /// <see cref="BackwardOfTotal"/> then sweeps without the total's chain of nodes.
    /// </summary>
    internal double EndValue()
    {
        CheckVisitedAll();
        return TermsValue();
    }

    /// <summary>The terms' values summed in visit order: the total's value in every kind of run.</summary>
    private double TermsValue()
    {
        double total = 0;
        foreach (var t in _terms.AsSpan(0, _termCount)) total += t.Value;
        return total;
    }

    /// <summary>The backward sweep of the total <see cref="EndValue"/> returned, on the tape the run recorded on.</summary>
    internal void BackwardOfTotal(Tape tape) =>
        tape.Backward(_terms.AsSpan(0, _termCount), _takenParents.AsSpan(0, _takenCount), _takenPartials.AsSpan(0, _takenCount));

    private void CheckVisitedAll()
    {
        if (_k != _visits.Length)
            throw new DifferentiableLayoutException(
                $"A run of '{_model}' visited {_k} sites where its layout has {_visits.Length}: the model's sites depend on the values of its continuous choices, so it has no fixed set of coordinates for gradient-based inference.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref readonly Visit Next(VisitKind expected)
    {
        var k = _k;
        var visits = _visits;
        if ((uint)k >= (uint)visits.Length || visits[k].Kind != expected && !(expected == VisitKind.Coordinate && visits[k].Kind == VisitKind.Held)) Stray(expected);
        _k = k + 1;
        return ref visits[k];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Stray(VisitKind expected)
    {
        var at = _k < _visits.Length ? $" (the layout has a {_visits[_k].Kind} at '{_visits[_k].Address}' there)" : "";
        throw new DifferentiableLayoutException(
            $"A run of '{_model}' reached a {expected} as its effect number {_k + 1}{at}: the model's sites depend on the values of its continuous choices, " +
            "so it has no fixed set of coordinates for gradient-based inference.", _k < _visits.Length ? _visits[_k].Address : (Address?)null);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddTerm(Real term)
    {
        if (_termCount == _terms.Length) Array.Resize(ref _terms, _terms.Length * 2);
        _terms[_termCount++] = term;
    }

    /// <summary>
    /// Adds a site's log density, checking it when diagnosing (the first NaN names its site and the parameter at fault).
    /// The term's node, recorded by the distribution's log density itself (at or after <paramref name="mark"/>, the tape's
    /// count before the call) and so referred to by nothing the model holds, is taken off the tape and its parents go to
    /// the total directly. A node made before the call (the site's value, a node a distribution kept) is never taken.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddSiteTerm<D>(int mark, Real term, in Visit visit, D d) where D : IRealDistribution
    {
        if (_diagnosing && double.IsNaN(term.Value)) Diagnose(visit, d);
        var index = term.Index;
        if (index >= mark && index != 0 && _tape is { } tape && tape.TryTakeLast(index, out var p1, out var d1, out var p2, out var d2, out var p3, out var d3))
        {
            EnsureTaken(3);
            Take(p1, d1);
            Take(p2, d2);
            Take(p3, d3);
            term = new Real(term.Value, 0);
        }
        AddTerm(term);
    }

    /// <summary>The tape's node count now: a site's log-density node made after this mark is the site's own.</summary>
    private int Mark => _tape?.Count ?? int.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Take(int parent, double partial)
    {
        if (parent == 0) return;
        _takenParents[_takenCount] = parent;
        _takenPartials[_takenCount++] = partial;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Diagnose<D>(in Visit visit, D d) where D : IRealDistribution
    {
        if (d.ParameterError is { } e) throw new DistributionParameterException(d.Family, e, visit.Address);
        throw new ModelException($"The log density of {d.Family} at '{visit.Address}' of '{_model}' is NaN.", visit.Address);
    }

    private Real Total()
    {
        var n = _termCount;
        if (n == 0 && _takenCount == 0) return 0.0;
        var chain = new PartialsChain();
        foreach (var t in _terms.AsSpan(0, n)) chain.Add(t.Index, 1.0);
        for (var i = 0; i < _takenCount; i++) chain.Add(_takenParents[i], _takenPartials[i]);
        return chain.Finish(TermsValue());
    }

    // ------------------------------------------------------------------ the effects (called by generated code)

    /// <summary>
    /// A vector given as data, as tape constants: a probability vector for <c>RealDist.Categorical</c>, or a data argument of
    /// a library function called through its overload over <see cref="Real"/> (<c>Real[]</c> for <c>double[]</c>) in generated code.
    /// </summary>
    public static Real[] Lift(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var r = new Real[values.Length];
        for (var i = 0; i < r.Length; i++) r[i] = values[i];
        return r;
    }

    /// <summary>A matrix given as data, as tape constants: a data argument of a library function called through its overload over <see cref="Real"/> (<c>Real[,]</c> for <c>double[,]</c>) in generated code.</summary>
    public static Real[,] Lift(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var r = new Real[values.GetLength(0), values.GetLength(1)];
        for (var i = 0; i < r.GetLength(0); i++)
            for (var j = 0; j < r.GetLength(1); j++) r[i, j] = values[i, j];
        return r;
    }

    /// <summary>A continuous choice: its value from the position (through the distribution's bijector, adding the log-Jacobian) or held; adds its log density.</summary>
    public Real Sample<D>(in SiteAddress address, D distribution) where D : struct, IRealContinuous
    {
        if (_discovering)
        {
            var xd = DiscoverContinuous(address, distribution);
            AddTerm(distribution.LogDensity(xd));
            return xd;
        }
        ref readonly var v = ref Next(VisitKind.Coordinate);
        Real x;
        if (v.Kind == VisitKind.Coordinate && _constrained) x = _theta[v.Coordinate];
        else if (v.Kind == VisitKind.Coordinate)
        {
            Real logJ = 0.0;
            x = distribution.Constrain(_theta[v.Coordinate], ref logJ);
            // An unbounded choice's log-Jacobian is the constant 0, which adds nothing to the sum in either kind of run.
            if (logJ.Index != 0 || logJ.Value != 0) AddTerm(logJ);
            if (_record is { } r) r[v.ValueIndex] = x.Value;
        }
        else x = v.Value;
        if (!_valuesOnly) AddSiteTerm(Mark, distribution.LogDensity(x), v, distribution);
        return x;
    }

    /// <summary>
    /// A vector-valued continuous choice (a simplex, a multivariate normal draw, an ordered vector): its value from its
    /// coordinates of the position through the distribution's map onto the support (adding the log-Jacobian), or held;
    /// adds its log density.
    /// </summary>
    public Real[] SampleVector<D>(in SiteAddress address, D distribution) where D : struct, IRealVectorContinuous
    {
        Real[] x;
        if (_discovering)
        {
            var full = Full(address);
            var length = distribution.Length;
            var held = DiscoverMulti(full, distribution, DifferentiableChoiceShape.Vector, length, 1, distribution.UnconstrainedLength, k => full / k,
                (value, at) => VectorEntries(value, at, length), (value, u) => distribution.Unconstrain(VectorEntries(value, full, length), u), out var start);
            if (held is null)
            {
                Real logJ = 0.0;
                x = distribution.Constrain(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_discoveredTheta).Slice(start, distribution.UnconstrainedLength), ref logJ);
                AddTerm(logJ);
            }
            else x = Lift(held);
            AddTerm(distribution.LogDensity(x));
            return x;
        }
        ref readonly var v = ref Next(VisitKind.Coordinate);
        if (v.Kind == VisitKind.Coordinate)
        {
            if (_constrained) throw ConstrainedMulti(v);
            if (distribution.UnconstrainedLength != v.Count) ShapeChanged(v, distribution.UnconstrainedLength);
            Real logJ = 0.0;
            x = distribution.Constrain(_theta.AsSpan(v.Coordinate, v.Count), ref logJ);
            AddTerm(logJ);
            if (_record is { } r)
                for (var i = 0; i < x.Length; i++) r[v.ValueIndex + i] = x[i].Value;
        }
        else x = Lift(v.Held ?? throw new DifferentiableLayoutException($"The layout holds a scalar at '{v.Address}'; the site draws a vector.", v.Address));
        if (!_valuesOnly) AddSiteTerm(Mark, distribution.LogDensity(x), v, distribution);
        return x;
    }

    /// <summary>A matrix-valued continuous choice (the Cholesky factor of a correlation matrix), as <see cref="SampleVector{D}"/>.</summary>
    public Real[,] SampleMatrix<D>(in SiteAddress address, D distribution) where D : struct, IRealMatrixContinuous
    {
        Real[,] x;
        var rows = distribution.Rows;
        var columns = distribution.Columns;
        if (_discovering)
        {
            var full = Full(address);
            var held = DiscoverMulti(full, distribution, DifferentiableChoiceShape.Matrix, rows, columns, distribution.UnconstrainedLength,
                k => full / distribution.CoordinateEntry(k).Row / distribution.CoordinateEntry(k).Column,
                (value, at) => MatrixEntries(value, at, rows, columns), (value, u) => distribution.Unconstrain(Matrix(MatrixEntries(value, full, rows, columns), rows, columns), u), out var start);
            if (held is null)
            {
                Real logJ = 0.0;
                x = distribution.Constrain(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_discoveredTheta).Slice(start, distribution.UnconstrainedLength), ref logJ);
                AddTerm(logJ);
            }
            else x = LiftMatrix(held, rows, columns);
            AddTerm(distribution.LogDensity(x));
            return x;
        }
        ref readonly var v = ref Next(VisitKind.Coordinate);
        if (v.Kind == VisitKind.Coordinate)
        {
            if (_constrained) throw ConstrainedMulti(v);
            if (distribution.UnconstrainedLength != v.Count) ShapeChanged(v, distribution.UnconstrainedLength);
            Real logJ = 0.0;
            x = distribution.Constrain(_theta.AsSpan(v.Coordinate, v.Count), ref logJ);
            AddTerm(logJ);
            if (_record is { } r)
                for (var i = 0; i < rows; i++)
                    for (var j = 0; j < columns; j++) r[v.ValueIndex + i * columns + j] = x[i, j].Value;
        }
        else x = LiftMatrix(v.Held ?? throw new DifferentiableLayoutException($"The layout holds a scalar at '{v.Address}'; the site draws a matrix.", v.Address), rows, columns);
        if (!_valuesOnly) AddSiteTerm(Mark, distribution.LogDensity(x), v, distribution);
        return x;
    }

    private static Real[,] LiftMatrix(double[] entries, int rows, int columns)
    {
        var m = new Real[rows, columns];
        if (entries.Length != rows * columns) return m;
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++) m[i, j] = entries[i * columns + j];
        return m;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ShapeChanged(in Visit v, int coordinates) => throw new DifferentiableLayoutException(
        $"A run of '{_model}' drew the choice at '{v.Address}' with {coordinates} coordinates where its layout has {v.Count}: the choice's dimension depends on the values of continuous choices, so the model has no fixed set of coordinates.",
        v.Address);

    private NotSupportedException ConstrainedMulti(in Visit v) => new(
        $"The choice at '{v.Address}' of '{_model}' is a vector or matrix ({v.Family}): gradients with respect to the entries of a constrained vector choice are not supported (ChoiceGradients); gradient-based MCMC moves it on its unconstrained coordinates.");

    /// <summary>A discrete choice, held at its value; adds its log probability (differentiated in the distribution's parameters).</summary>
    public T SampleDiscrete<T, D>(in SiteAddress address, D distribution) where D : struct, IRealDiscrete<T>
    {
        double raw;
        if (_discovering) raw = DiscoverDiscrete(address, distribution);
        else
        {
            ref readonly var v = ref Next(VisitKind.Discrete);
            raw = _discreteValues is { } values && !double.IsNaN(values[_k - 1]) ? values[_k - 1] : v.Value;
        }
        T value;
        if (typeof(T) == typeof(bool))
        {
            var b = raw != 0;
            value = Unsafe.As<bool, T>(ref b);
        }
        else if (typeof(T) == typeof(int))
        {
            var i = (int)raw;
            value = Unsafe.As<int, T>(ref i);
        }
        else if (typeof(T) == typeof(long))
        {
            var l = (long)raw;
            value = Unsafe.As<long, T>(ref l);
        }
        else throw new NotSupportedException($"Discrete choices of type {typeof(T).Name} have no differentiable form.");
        if (_valuesOnly) return value;
        var mark = Mark;
        var term = distribution.LogProbability(value);
        if (_discovering) AddTerm(term);
        else AddSiteTerm(mark, term, _visits[_k - 1], distribution);
        return value;
    }

    /// <summary>An observation of a continuous value.</summary>
    public void Observe<D>(in SiteAddress address, D distribution, Real value) where D : struct, IRealContinuous
    {
        if (_valuesOnly) Next(VisitKind.Observe);
        else ObserveTerm(address, Mark, distribution.LogDensity(value), distribution);
    }

    /// <summary>An observation of a discrete value.</summary>
    public void ObserveDiscrete<T, D>(in SiteAddress address, D distribution, T value) where D : struct, IRealDiscrete<T>
    {
        if (_valuesOnly) Next(VisitKind.Observe);
        else ObserveTerm(address, Mark, distribution.LogProbability(value), distribution);
    }

    /// <summary>What every observation does with its term: records the visit while discovering, else adds it at its visit.</summary>
    private void ObserveTerm<D>(in SiteAddress address, int mark, Real term, D distribution) where D : IRealDistribution
    {
        if (_discovering)
        {
            _found!.Add(new Visit(VisitKind.Observe, -1, 0, Full(address), distribution.Family));
            AddTerm(term);
            return;
        }
        AddSiteTerm(mark, term, Next(VisitKind.Observe), distribution);
    }

    /// <summary>An observation of a whole vector (a vectorised family or a fused GLM), one term on the tape.</summary>
    public void ObserveVector<T, D>(in SiteAddress address, D distribution, T value) where D : struct, IRealVectorObservation<T>
    {
        if (_valuesOnly) Next(VisitKind.Observe);
        else ObserveTerm(address, Mark, distribution.LogDensity(value), distribution);
    }

    /// <summary>Adds <paramref name="logWeight"/> to the log density.</summary>
    public void Factor(Real logWeight)
    {
        if (_discovering) _found!.Add(new Visit(VisitKind.Factor, -1, 0, _prefixes.Count == 0 ? Address.Root : _prefixes[^1], "Factor"));
        else
        {
            ref readonly var v = ref Next(VisitKind.Factor);
            if (_diagnosing && double.IsNaN(logWeight.Value)) throw new ModelException($"A factor of '{_model}' under '{v.Address}' is NaN.", v.Address);
        }
        AddTerm(logWeight);
    }

    /// <summary>A deterministic quantity to report at <paramref name="address"/>: recorded when asked, returned unchanged.</summary>
    public Real Deterministic(in SiteAddress address, Real value)
    {
        if (_discovering)
        {
            var full = Full(address);
            _found!.Add(new Visit(VisitKind.Deterministic, _deterministics!.Count, 0, full, "Deterministic"));
            _deterministics.Add(full);
            return value;
        }
        ref readonly var v = ref Next(VisitKind.Deterministic);
        if (_derived is { } d) d[v.Coordinate] = value.Value;
        return value;
    }

    /// <summary>Enters a sub-model call at <paramref name="address"/>: the callee's addresses are under it. Returns this context, the callee's.</summary>
    public DifferentiableContext Enter(in SiteAddress address)
    {
        if (_discovering)
        {
            var full = Full(address);
            _prefixes.Add(full);
            _found!.Add(new Visit(VisitKind.Enter, -1, 0, full, "Call"));
            return this;
        }
        Next(VisitKind.Enter);
        return this;
    }

    /// <summary>Leaves the innermost sub-model call, passing its return value through.</summary>
    public T Exit<T>(T value)
    {
        if (_discovering)
        {
            var full = _prefixes[^1];
            _prefixes.RemoveAt(_prefixes.Count - 1);
            _found!.Add(new Visit(VisitKind.Exit, -1, 0, full, "Call"));
            return value;
        }
        Next(VisitKind.Exit);
        return value;
    }
}
