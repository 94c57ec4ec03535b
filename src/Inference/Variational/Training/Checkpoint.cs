using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// Saves and restores every trainable tensor of a run: the parameter stores' parameters by (store index,
/// name) and extra tensors (modules, learned baselines) by position. The optimiser's moments are not
/// saved; a resumed Adam run restarts them.
/// </summary>
public static class Checkpoint
{
    /// <summary>Writes the tensors to <paramref name="path"/> (atomically: a temporary file renamed over it).</summary>
    public static void Save(string path, IReadOnlyList<ParameterStore> stores, IReadOnlyList<Tensor>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var writer = new BinaryWriter(stream))
        {
            var entries = Entries(stores, extra).ToList();
            writer.Write(entries.Count);
            foreach (var (key, t) in entries)
            {
                writer.Write(key);
                t.detach().cpu().Save(writer);
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/> into the same stores and tensors (values copied in place).</summary>
    public static void Load(string path, IReadOnlyList<ParameterStore> stores, IReadOnlyList<Tensor>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(stores);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var n = reader.ReadInt32();
        var extras = extra ?? [];
        for (var i = 0; i < n; i++)
        {
            var key = reader.ReadString();
            using var loaded = Tensor.Load(reader);
            var slash = key.IndexOf('/');
            var kind = key[..slash];
            var rest = key[(slash + 1)..];
            Tensor target;
            if (kind == "extra")
            {
                target = extras[int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture)];
            }
            else
            {
                var s2 = rest.IndexOf('/');
                var store = stores[int.Parse(rest[..s2], System.Globalization.CultureInfo.InvariantCulture)];
                var name = rest[(s2 + 1)..];
                target = store.GetOrAdd(name, () => loaded);
            }
            using (no_grad()) target.copy_(loaded.to(target.dtype, target.device));
        }
    }

    private static IEnumerable<(string, Tensor)> Entries(IReadOnlyList<ParameterStore> stores, IReadOnlyList<Tensor>? extra)
    {
        for (var i = 0; i < stores.Count; i++)
            foreach (var (name, t) in stores[i].All.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                yield return ($"store/{i}/{name}", t);
        if (extra is null) yield break;
        for (var j = 0; j < extra.Count; j++) yield return ($"extra/{j}", extra[j]);
    }
}
