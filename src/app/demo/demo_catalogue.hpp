// The demo catalogue, generated once by hand: a few products per market with real-looking names, valid
// GS1 barcodes (prefix 570 Denmark, 709 Norway, 735 Sweden) and a category tree. Loaded by `andel demo`.
#pragma once

namespace andel::app {

inline constexpr const char* kDemoCatalogue_dk =
    "ean,name,brand,size,unit_price_minor,comparison_price_minor,comparison_unit,category,labels,weighed,age_"
    "limit,stores\n"
    "5700000000011,Økologisk letmælk,Andel,1 l,1295,1295,l,Mejeri > Mælk,organic|lactose,,,\n"
    "5700000000028,Skummetmælk,Arla,1 l,1095,1095,l,Mejeri > Mælk,lactose,,,\n"
    "5700000000035,Græsk yoghurt 10 %,Andel,1 kg,2995,2995,kg,Mejeri > Yoghurt,lactose,,,\n"
    "5700000000042,Smør,Lurpak,250 g,2495,9980,kg,Mejeri > Smør og fedtstof,lactose,,,\n"
    "5700000000059,Danbo 45+ skiver,Andel,300 g,3295,10983,kg,Mejeri > Ost,lactose,,,\n"
    "5700000000066,Frilandsæg 10 stk,Andel,10 stk,3495,350,piece,Mejeri > Æg,egg,,,\n"
    "5700000000073,Rugbrød,Schulstad,1 kg,2200,2200,kg,Brød > Rugbrød,gluten,,,\n"
    "5700000000080,Franskbrød,Andel,600 g,1800,3000,kg,Brød > Hvedebrød,gluten,,,\n"
    "5700000000097,Æbler Ingrid Marie,,løs,2000,2000,kg,Frugt og grønt > Frugt,,true,,\n"
    "5700000000103,Bananer økologiske,Andel,løs,2500,2500,kg,Frugt og grønt > Frugt,organic,true,,\n"
    "5700000000110,Gulerødder,,1 kg,1200,1200,kg,Frugt og grønt > Grøntsager,,,,\n"
    "5700000000127,Kartofler,,2 kg,2000,1000,kg,Frugt og grønt > Grøntsager,,,,\n"
    "5700000000134,Hakket oksekød 8-12 %,Andel,500 g,4495,8990,kg,Kød og fisk > Kød,,,,\n"
    "5700000000141,Kyllingebryst,Danpo,700 g,6995,9993,kg,Kød og fisk > Kød,,,,\n"
    "5700000000158,Laks fersk,,250 g,4995,19980,kg,Kød og fisk > Fisk,fish,,,\n"
    "5700000000165,Pasta penne,Andel,500 g,1000,2000,kg,Kolonial > Pasta og ris,gluten,,,\n"
    "5700000000172,Kaffe formalet,BKI,500 g,4995,9990,kg,Kolonial > Kaffe og te,,,,\n"
    "5700000000189,Havregryn,Øllingegaard,1 kg,1595,1595,kg,Kolonial > Morgenmad,gluten,,,\n"
    "5700000000196,Classic øl 6 x 33 cl,Odense,6 x 33 cl,4800,2424,l,Drikkevarer > Øl,,,18,\n"
    "5700000000202,Danskvand citrus,Andel,\"1,5 l\",1000,667,l,Drikkevarer > Vand og sodavand,,,,\n"
    "5700000000219,Opvasketabs,Andel,40 stk,4995,125,wash,Husholdning > Opvask,,,,\n";

inline constexpr const char* kDemoCatalogue_no =
    "ean,name,brand,size,unit_price_minor,comparison_price_minor,comparison_unit,category,labels,weighed,age_"
    "limit,stores\n"
    "7090000000011,Lettmelk,Tine,1 l,2390,2390,l,Meieri > Melk,lactose,,,\n"
    "7090000000028,Norvegia,Tine,500 g,7990,15980,kg,Meieri > Ost,lactose,,,\n"
    "7090000000035,Brunost,Tine,500 g,7490,14980,kg,Meieri > Ost,lactose,,,\n"
    "7090000000042,Egg 12 stk,Prior,12 stk,4990,416,piece,Meieri > Egg,egg,,,\n"
    "7090000000059,Grovbrød,Bakers,750 g,3990,5320,kg,Brød > Grovbrød,gluten,,,\n"
    "7090000000066,Epler røde,,løs,3490,3490,kg,Frukt og grønt > Frukt,,true,,\n"
    "7090000000073,Poteter,,2 kg,3290,1645,kg,Frukt og grønt > Grønnsaker,,,,\n"
    "7090000000080,Laksefilet,,400 g,8990,22475,kg,Kjøtt og fisk > Fisk,fish,,,\n"
    "7090000000097,Kjøttdeig,Gilde,400 g,5490,13725,kg,Kjøtt og fisk > Kjøtt,,,,\n"
    "7090000000103,Kaffe filtermalt,Friele,500 g,7990,15980,kg,Kolonial > Kaffe og te,,,,\n"
    "7090000000110,Farris naturell,Farris,\"1,5 l\",2990,1993,l,Drikke > Vann,,,,\n"
    "7090000000127,\"Pilsner 0,5 l\",Ringnes,\"0,5 l\",3490,6980,l,Drikke > Øl,,,18,\n";

inline constexpr const char* kDemoCatalogue_se =
    "ean,name,brand,size,unit_price_minor,comparison_price_minor,comparison_unit,category,labels,weighed,age_"
    "limit,stores\n"
    "7350000000016,Mellanmjölk,Arla,1 l,1695,1695,l,Mejeri > Mjölk,lactose,,,\n"
    "7350000000023,Ekologisk mellanmjölk,Änglamark,1 l,1995,1995,l,Mejeri > Mjölk,organic|lactose,,,\n"
    "7350000000030,Prästost,Arla,700 g,8995,12850,kg,Mejeri > Ost,lactose,,,\n"
    "7350000000047,Ägg 12-pack,Änglamark,12 st,5495,458,piece,Mejeri > Ägg,egg,,,\n"
    "7350000000054,Knäckebröd,Wasa,275 g,2495,9073,kg,Bröd > Knäckebröd,gluten,,,\n"
    "7350000000061,Äpplen Ingrid Marie,,lösvikt,2995,2995,kg,Frukt och grönt > Frukt,,true,,\n"
    "7350000000078,Bananer ekologiska,Änglamark,lösvikt,3295,3295,kg,Frukt och grönt > Frukt,organic,true,,\n"
    "7350000000085,Potatis fast,,2 kg,2995,1498,kg,Frukt och grönt > Grönsaker,,,,\n"
    "7350000000092,Falukorv,Scan,800 g,4995,6244,kg,Kött och fisk > Chark,,,,\n"
    "7350000000108,Laxfilé,,250 g,5995,23980,kg,Kött och fisk > Fisk,fish,,,\n"
    "7350000000115,Bryggkaffe mellanrost,Zoégas,450 g,5995,13322,kg,Skafferi > Kaffe och te,,,,\n"
    "7350000000122,Havregryn,Kungsörnen,\"1,5 kg\",2795,1863,kg,Skafferi > Frukost,gluten,,,\n"
    "7350000000139,Lingonsylt,Felix,400 g,2995,7488,kg,Skafferi > Sylt,,,,\n";

}  // namespace andel::app
