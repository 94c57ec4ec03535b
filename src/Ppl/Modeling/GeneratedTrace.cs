namespace Ppl.Modeling;

/// <summary>
/// The trace of a generated model. The generator derives a typed trace from it (a property per static
/// address, an indexer per family in a loop); this base holds the storage and implements
/// <see cref="ITrace{TArgs, TRet}"/>.
/// </summary>
public abstract class GeneratedTrace<TArgs, TRet> : ITrace<TArgs, TRet>
{
    private ChoiceMap? _choices;
    private TArgs _args = default!;
    private TRet _return = default!;
    private IGenerativeFunction<TArgs, TRet> _function = null!;
    private ModelMetadata _metadata = null!;

    internal TraceStore Store { get; private set; } = null!;

    /// <summary>The image of the arguments this run read (see <see cref="ArgSnapshot"/>), or null when none was taken.</summary>
    internal object? ArgsImage { get; set; }

    internal void Init(IGenerativeFunction<TArgs, TRet> function, ModelMetadata metadata, TArgs args, TRet ret, double score, TraceStore store)
    {
        _function = function;
        _metadata = metadata;
        _args = args;
        _return = ret;
        Score = score;
        Store = store;
    }

    /// <inheritdoc />
    public TArgs Args => _args;

    /// <inheritdoc />
    public TRet Return => _return;

    /// <inheritdoc />
    public double Score { get; private set; }

    /// <summary>The model's static metadata.</summary>
    public ModelMetadata Metadata => _metadata;

    /// <inheritdoc />
    public ChoiceMap Choices => _choices ??= new GeneratedChoiceMap(Store, _metadata);

    /// <inheritdoc />
    public object? ArgsObject => _args;

    /// <inheritdoc />
    public object? ReturnObject => _return;

    /// <inheritdoc />
    public IGenerativeFunction Function => _function;

    /// <inheritdoc />
    public IGenerativeFunction<TArgs, TRet> GenerativeFunction => _function;

    /// <summary>The value of the static choice in <paramref name="slot"/>; throws when this run did not make it.</summary>
    protected T StaticValue<T>(int slot)
    {
        var s = Store;
        var a = _metadata.StaticSites[slot].Address;
        if (!s.HasChoice(slot))
            throw new KeyNotFoundException($"This trace of '{_metadata.Name}' has no choice at '{a}' (the run did not take that path).");
        return TraceStore.Read<T>(s.Tag[slot], s.Num[slot], s.Refs?[slot], a);
    }

    /// <summary>The trace of the call in <paramref name="slot"/>; throws when this run did not make it.</summary>
    protected ITrace StaticCall(int slot) =>
        Store.CallAt(slot) ?? throw new KeyNotFoundException($"This trace of '{_metadata.Name}' has no call at '{_metadata.StaticSites[slot].Address}'.");

    /// <summary>True when this run made a choice or call at the static slot.</summary>
    protected bool HasStatic(int slot) => Store.Tag[slot] is not TraceStore.Absent and not TraceStore.Observed;

    /// <inheritdoc />
    public override string ToString() => $"trace of {_metadata.Name} (score {Score:G6})\n{Choices}";
}

/// <summary>A typed view of a family of choices in a loop (e.g. <c>trace.Y[3]</c> is the choice at <c>y/3</c>).</summary>
/// <typeparam name="T">The choices' value type.</typeparam>
public readonly struct FamilyView<T>
{
    private readonly ITrace _trace;
    private readonly string _name;

    /// <summary>Creates a view (generated code only).</summary>
    public FamilyView(ITrace trace, string name)
    {
        _trace = trace;
        _name = name;
    }

    /// <summary>The choice at <c>name/index</c>.</summary>
    public T this[AddressSegment index] => _trace.Choices.Get<T>(new Address(_name, index));

    /// <summary>The choice at <c>name/first/second</c>.</summary>
    public T this[AddressSegment first, AddressSegment second] => _trace.Choices.Get<T>(new Address(_name, first) / second);

    /// <summary>True when the trace has a choice at <c>name/index</c>.</summary>
    public bool Contains(AddressSegment index) => _trace.Choices.Contains(new Address(_name, index));
}

/// <summary>
/// Base of the generated typed builders of choices: one method per address of the model, so that a
/// misspelled address is a compile error. Converts implicitly to a <see cref="ChoiceMap"/>.
/// </summary>
public abstract class ChoiceBuilder
{
    /// <summary>The choices so far.</summary>
    public ChoiceMap Map { get; protected set; } = ChoiceMap.Empty;

    /// <summary>Adds a value (generated code only).</summary>
    protected void Put(Address address, object value) => Map = Map.Set(address, value);

    /// <summary>Adds the choices of a sub-call (generated code only).</summary>
    protected void PutSubmap(Address address, ChoiceMap choices) => Map = Map.SetSubmap(address, choices);

    /// <summary>The choices as a choice map.</summary>
    public static implicit operator ChoiceMap(ChoiceBuilder builder) => builder.Map;

    /// <inheritdoc />
    public override string ToString() => Map.ToString();
}
