using TorchSharp;

namespace Ppl;

/// <summary>
/// The random source of a sequence of tensor draws on one device, fed by an <see cref="Rng"/> stream: pass
/// <see cref="Next"/> as the <c>generator</c> of each draw. On the CPU that is one TorchSharp generator seeded
/// once from the stream. On CUDA it is <c>null</c> (the device's default generator), re-seeded from the stream
/// immediately before every draw: TorchSharp can only make CPU generators, which CUDA kernels refuse, and the
/// default generator is shared by everything in the process, so holding it across other work (a model whose
/// assess makes a tracer, another sampler) would let that work reset it. Seeding per draw makes each draw a
/// function of this stream alone, so results stay reproducible from the seed (as long as one thread samples on
/// the device at a time).
/// </summary>
public sealed class TensorRandom : IDisposable
{
    private readonly Rng _rng;
    private readonly torch.Device? _device;
    private readonly torch.Generator? _cpu; // null on CUDA

    /// <summary>Draws from <paramref name="rng"/> for tensors on <paramref name="device"/> (the CPU when null).</summary>
    public TensorRandom(Rng rng, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        _rng = rng;
        _device = device;
        if (device is not { type: DeviceType.CUDA }) _cpu = rng.TorchGenerator(device);
    }

    /// <summary>The generator to hand to the next draw (re-seeding the device's default generator on CUDA).</summary>
    public torch.Generator? Next() => _cpu ?? _rng.TorchGenerator(_device); // on CUDA this re-seeds and returns null

    /// <summary>Releases the CPU generator.</summary>
    public void Dispose() => _cpu?.Dispose();
}
