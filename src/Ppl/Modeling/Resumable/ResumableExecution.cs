namespace Ppl.Modeling;

/// <summary>
/// A paused execution of a generated model (SPEC M7): the generator lowers a <c>[Model]</c> body into a
/// state machine whose locals are fields of a class derived from this one, and whose
/// <see cref="Resume"/> runs from the current state to the next Observe/Factor (or to the end) and returns.
/// An execution can be cloned: the clone copies every field (value-type locals by value, arrays the body
/// owns element by element) and shares the choices made so far, which are an immutable list.
/// Arguments and other immutable values are shared.
/// </summary>
public abstract class ResumableExecution
{
    private ChoiceNode? _choices;
    private ChoiceMap? _choiceMap;
    // The observed Sample sites visited so far (newest first), shared by clones as the choices are: only read when a run
    // ends without visiting every observation, to name the ones it missed.
    private ObservedNode? _observed;

    /// <summary>Creates an execution at its start (generated code only).</summary>
    protected ResumableExecution(ModelMetadata metadata)
    {
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
    }

    /// <summary>The model's static metadata (names the static slots).</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>
    /// The resume point: 0 at the start, then the number of the pause the body stopped at (generated code
    /// switches on it); −1 once finished.
    /// </summary>
    protected int State { get; set; }

    /// <summary>True once the body has returned.</summary>
    public bool Finished { get; private set; }

    /// <summary>log p of everything run so far: choices, observations and factors.</summary>
    public double Score { get; private set; }

    /// <summary>How many Observe/Factor effects have run so far.</summary>
    public int ScorePoints { get; private set; }

    /// <summary>
    /// How many effects (choices, observations, factors) the body has executed in this execution and
    /// its ancestors: the body work, which tests use to show that a run is O(T).
    /// </summary>
    public long SiteVisits { get; private set; }

    /// <summary>
    /// The values given for Sample sites (null when none): a Sample at one of these addresses returns the value, scores
    /// its log density as an Observe would, and is a pause (see <see cref="ResumableModel{TArgs, TRet}.Start(TArgs, ChoiceMap)"/>).
    /// </summary>
    public ChoiceMap? Observations { get; private set; }

    /// <summary>How many of <see cref="Observations"/>' values the run has visited so far.</summary>
    public int ObservationsVisited { get; private set; }

    private int _observationCount;

    /// <summary>Gives the execution, at its start, the values of its observed Sample sites (how many there are is counted once, by the caller).</summary>
    internal void Observe(ChoiceMap observations, int count)
    {
        if (State != 0 || SiteVisits != 0) throw new InvalidOperationException("Observations are given to an execution at its start.");
        Observations = observations;
        _observationCount = count;
    }

    /// <summary>The random choices made so far, by address (built on first use).</summary>
    public ChoiceMap Choices
    {
        get
        {
            if (_choiceMap is { } m) return m;
            var list = new List<ChoiceNode>();
            for (var n = _choices; n is not null; n = n.Previous) list.Add(n);
            var map = ChoiceMap.Empty;
            for (var i = list.Count - 1; i >= 0; i--) map = map.Set(list[i].Address, list[i].BoxedValue);
            return _choiceMap = map;
        }
    }

    /// <summary>
    /// Runs the body to its next Observe/Factor (inclusive) or to its end, drawing new choices from the
    /// prior with <paramref name="rng"/>; returns the log weight increment (the observations' and factors'
    /// log densities; choices drawn from their prior add nothing). A finished execution returns 0.
    /// This mutates the execution: clone it first to keep the paused state.
    /// </summary>
    public double Advance(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (Finished) return 0;
        var h = new ResumableHandler(this, rng);
        var done = Resume(ref h);
        if (done)
        {
            Finished = true;
            State = -1;
            // As the replay form does at the end of a run: a given observation the body never reached is an error.
            if (ObservationsVisited < _observationCount) throw Unvisited();
        }
        return h.Increment;
    }

    /// <summary>An independent copy: advancing either leaves the other unchanged.</summary>
    public ResumableExecution Clone()
    {
        var c = (ResumableExecution)MemberwiseClone();
        c.CopyOwnedState();
        return c;
    }

    /// <summary>
    /// Makes this execution an independent copy of <paramref name="source"/> (an execution of the same model), reusing
    /// this object instead of allocating a clone: SMC recycles the executions of particles that left no offspring.
    /// False, with nothing changed, when the generated class cannot copy in place (then clone instead).
    /// </summary>
    internal bool TryCopyFrom(ResumableExecution source)
    {
        if (source.GetType() != GetType() || !ReferenceEquals(source.Metadata, Metadata) || !CopyFieldsFrom(source)) return false;
        _choices = source._choices;
        _choiceMap = source._choiceMap;
        State = source.State;
        Finished = source.Finished;
        Score = source.Score;
        ScorePoints = source.ScorePoints;
        SiteVisits = source.SiteVisits;
        Observations = source.Observations;
        ObservationsVisited = source.ObservationsVisited;
        _observationCount = source._observationCount;
        _observed = source._observed;
        CopyOwnedState();
        return true;
    }

    /// <summary>
    /// Copies the generated class's own fields (the body's locals and arguments, and the return value) from
    /// <paramref name="source"/>, an execution of the same class, as <c>MemberwiseClone</c> would (generated; the
    /// default copies nothing and returns false, and the execution is cloned instead).
    /// </summary>
    /// <param name="source">The execution to copy, of this execution's class.</param>
    /// <returns>True when the fields were copied.</returns>
    protected virtual bool CopyFieldsFrom(ResumableExecution source) => false;

    /// <summary>Runs from the current state to the next pause or the end; true when the body returned (generated).</summary>
    protected abstract bool Resume(ref ResumableHandler handler);

    /// <summary>
    /// Replaces the clone's reference-type fields that the body may write (its own arrays) with copies
    /// (generated; the default has none).
    /// </summary>
    protected virtual void CopyOwnedState()
    {
    }

    /// <summary>Deep-copies an array owned by the body (nested arrays too), keeping aliasing among the copies of one clone.</summary>
    protected static T CopyArray<T>(T array, Dictionary<object, object> copies) where T : class?
    {
        if (array is not Array a) return array;
        if (copies.TryGetValue(a, out var done)) return (T)done;
        var c = (Array)a.Clone();
        copies[a] = c;
        if (!a.GetType().GetElementType()!.IsValueType)
            for (var i = 0; i < c.Length; i++)
                if (c.GetValue(i) is Array inner) c.SetValue(CopyArray(inner, copies), i);
        return (T)(object)c;
    }

    internal void Record<T>(Address address, T value, double logDensity)
    {
        // Typed node: the value is boxed only if the choice map is asked for (SMC records a choice per particle-step).
        _choices = new ChoiceNode<T>(address, value, _choices);
        _choiceMap = null;
        Score += logDensity;
        SiteVisits++;
    }

    /// <summary>Records a choice at the two-segment address first/second, built only when the choice map is asked for.</summary>
    internal void Record<T>(AddressSegment first, AddressSegment second, T value, double logDensity)
    {
        // The usual name/index pair keeps the index alone (a 48-byte node instead of 64): SMC allocates one per choice
        // and particle-step, and the nodes of live lineages survive collections, so their size is collection time.
        _choices = first.IsName && !second.IsName
            ? new IndexedChoiceNode<T>(first.Name, second.Index, value, _choices)
            : new PairChoiceNode<T>(first, second, value, _choices);
        _choiceMap = null;
        Score += logDensity;
        SiteVisits++;
    }

    internal void Scored(double logWeight)
    {
        Score += logWeight;
        ScorePoints++;
        SiteVisits++;
    }

    /// <summary>An observed Sample site (already scored as an Observe): remembered for the end-of-run check.</summary>
    internal void ObservedSampleVisited(Address address, double logDensity)
    {
        _observed = new ObservedNode(address, logDensity, _observed);
        ObservationsVisited++;
    }

    /// <summary>
    /// The log density scored at the observed Sample site <paramref name="address"/>, or null when the run has not visited
    /// it (as the replay trace's observation records answer; SMC² reads θ's prior density there). Walks the observed sites
    /// visited so far, newest first.
    /// </summary>
    internal double? ObservedLogDensity(Address address)
    {
        for (var n = _observed; n is not null; n = n.Previous)
            if (n.Address.Equals(address)) return n.LogDensity;
        return null;
    }

    private UnvisitedConstraintsException Unvisited()
    {
        var seen = new HashSet<Address>();
        for (var n = _observed; n is not null; n = n.Previous) seen.Add(n.Address);
        var unvisited = Observations!.Leaves.Select(l => l.Address).Where(a => !seen.Contains(a)).ToList();
        // The addresses the run has, to suggest the closest: its choices and its observed sites.
        var visited = Choices.Leaves.Select(l => l.Address).Concat(seen).ToList();
        return new UnvisitedConstraintsException(Metadata.Name, unvisited, visited);
    }

    /// <summary>One visited observed Sample site in a persistent list (newest first).</summary>
    private sealed class ObservedNode(Address address, double logDensity, ObservedNode? previous)
    {
        public Address Address { get; } = address;
        public double LogDensity { get; } = logDensity;
        public ObservedNode? Previous { get; } = previous;
    }

    /// <summary>One choice in the persistent list of choices (newest first): clones share their common prefix.</summary>
    private abstract class ChoiceNode(ChoiceNode? previous)
    {
        public ChoiceNode? Previous { get; } = previous;
        public abstract Address Address { get; }
        public abstract object BoxedValue { get; }
    }

    /// <summary>A choice of type <typeparamref name="T"/>, stored unboxed.</summary>
    private sealed class ChoiceNode<T>(Address address, T value, ChoiceNode? previous) : ChoiceNode(previous)
    {
        public override Address Address => address;
        public override object BoxedValue => value!;
    }

    /// <summary>A choice at a two-segment address (the usual name/index in a loop), kept as its segments: one object per choice.</summary>
    private sealed class PairChoiceNode<T>(AddressSegment first, AddressSegment second, T value, ChoiceNode? previous) : ChoiceNode(previous)
    {
        public override Address Address => new(first, second);
        public override object BoxedValue => value!;
    }

    /// <summary>A choice at the address first/index (a name and a loop index, the common two-segment form): a name, not a segment, for the smaller node.</summary>
    private sealed class IndexedChoiceNode<T>(string name, int index, T value, ChoiceNode? previous) : ChoiceNode(previous)
    {
        public override Address Address => new(name, index);
        public override object BoxedValue => value!;
    }
}

/// <summary>A paused execution of a generated model whose return type is <typeparamref name="TRet"/>.</summary>
/// <typeparam name="TRet">The model's return type.</typeparam>
public abstract class ResumableExecution<TRet> : ResumableExecution
{
    /// <summary>Creates an execution at its start (generated code only).</summary>
    protected ResumableExecution(ModelMetadata metadata) : base(metadata)
    {
    }

    /// <summary>The return value, once <see cref="ResumableExecution.Finished"/>.</summary>
    public TRet? Return { get; protected set; }

    /// <summary>An independent copy: advancing either leaves the other unchanged.</summary>
    public new ResumableExecution<TRet> Clone() => (ResumableExecution<TRet>)base.Clone();
}
